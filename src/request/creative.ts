import { DEFAULTS, LIMITS, type OutputFormat } from './limits.js';
import type { ParsedWalkRequest } from './schema.js';
import type { WalkRequest } from './walk-request.js';

type Issue = { path: string; message: string };

type Creative = Pick<WalkRequest, 'interpolationSteps' | 'easing' | 'holdStart' | 'holdEnd' | 'fadeIn' | 'fadeOut' | 'loop' | 'audio' | 'watermark' | 'outputScale'>;

/** Frames per step for `seconds_per_step` at `fps`: round(fps × s) (the studio's estimate uses it too). */
export function secondsToFrames(fps: number, secondsPerStep: number): number {
  return Math.round(fps * secondsPerStep);
}

/** Frames per walk step: num_interpolation_steps, or round(fps × seconds_per_step); never both. */
function interpolationSteps(p: ParsedWalkRequest, issues: Issue[]): number {
  const s = p.seconds_per_step;
  if (s === undefined) return p.num_interpolation_steps ?? DEFAULTS.numInterpolationSteps;
  if (p.num_interpolation_steps !== undefined) {
    issues.push({ path: 'seconds_per_step', message: 'give seconds_per_step or num_interpolation_steps, not both' });
  }
  const n = secondsToFrames(p.fps, s);
  if (n < 1 || n > LIMITS.maxInterpolationSteps) {
    issues.push({ path: 'seconds_per_step', message: `${s} s at fps ${p.fps} gives ${n} frames per step; round(fps × seconds_per_step) must be 1 – ${LIMITS.maxInterpolationSteps}` });
  }
  return Math.min(LIMITS.maxInterpolationSteps, Math.max(1, n));
}

function checkLoop(p: ParsedWalkRequest, issues: Issue[]): void {
  if (!p.loop) return;
  const other = p.walk_type.findIndex((k) => k !== 'backward');
  if (other >= 0) {
    issues.push({ path: 'loop', message: `a seamless loop needs a walk of backward steps only; walk_type[${other}] is "${p.walk_type[other]}"` });
  }
  if (p.easing !== 'linear') {
    issues.push({ path: 'loop', message: `a seamless loop needs easing "linear"; "${p.easing}" would stop the zoom at the loop point` });
  }
  for (const f of ['hold_start_s', 'hold_end_s', 'fade_in_s', 'fade_out_s'] as const) {
    if (p[f] > 0) issues.push({ path: 'loop', message: `a seamless loop has no start or end: ${f} must be 0` });
  }
}

/** Validates and normalises the creative extensions (speed, easing, holds, fades, loop, audio, watermark, output_scale). */
export function creativeOptions(p: ParsedWalkRequest, format: OutputFormat, width: number, height: number, issues: Issue[]): Creative {
  const steps = interpolationSteps(p, issues);
  checkLoop(p, issues);
  const walkFrames = 1 + p.walk_type.length * steps - (p.loop ? 1 : 0);
  const seconds = walkFrames / p.fps + p.hold_start_s + p.hold_end_s;
  if (format !== 'png' && p.fade_in_s + p.fade_out_s > seconds + 1e-9) {
    issues.push({ path: 'fade_in_s', message: `fade_in_s + fade_out_s = ${p.fade_in_s + p.fade_out_s} s must not exceed the video's ${seconds.toFixed(3)} s` });
  }
  if (p.audio !== undefined && (format === 'gif' || format === 'png')) {
    issues.push({ path: 'audio', message: `${format} has no sound; use output_format mp4 or webm` });
  }
  const side = Math.max(width, height) * p.output_scale;
  if (side > LIMITS.maxOutputSide) {
    issues.push({ path: 'output_scale', message: `${p.output_scale} × ${Math.max(width, height)} px = ${side} px is above the maximum output side ${LIMITS.maxOutputSide}` });
  }
  return {
    interpolationSteps: steps,
    easing: p.easing,
    holdStart: p.hold_start_s,
    holdEnd: p.hold_end_s,
    fadeIn: p.fade_in_s,
    fadeOut: p.fade_out_s,
    loop: p.loop,
    audio: p.audio === undefined ? null : { source: p.audio, volume: p.audio_volume, fadeOut: p.audio_fade_out_s },
    watermark: p.watermark === undefined ? null : { source: p.watermark, position: p.watermark_position, scale: p.watermark_scale, opacity: p.watermark_opacity },
    outputScale: p.output_scale,
  };
}
