// The live estimate under the form. No DOM here: unit tests import this file.
import type { Easing, WalkType } from '../request/limits.js';
import { LIMITS } from '../request/limits.js';
import { planWalk } from '../walk/plan.js';
import { framesPerStep, type StudioForm } from './form.js';

/** What a walk will produce and roughly how long it will take. */
export interface Estimate {
  /** Frames of the video, counted by the planner (src/walk/plan.ts): the walk's frames (one fewer for a loop) plus the holds. */
  readonly frames: number;
  readonly seconds: number;
  /** Keyframes the engine outpaints: one per step. */
  readonly keyframes: number;
  /** The encoded size: the engine's size × output_scale. */
  readonly outputWidth: number;
  readonly outputHeight: number;
  /** Wall-clock guess for the whole render, or null for an engine with no known speed. */
  readonly renderSeconds: number | null;
}

/** The timing and size of a walk as the form holds them (frames per step already derived from seconds_per_step). */
export interface EstimateInput {
  readonly walk: readonly WalkType[];
  readonly framesPerStep: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly easing: Easing;
  readonly loop: boolean;
  /** Seconds. */
  readonly holdStart: number;
  readonly holdEnd: number;
  readonly outputScale: number;
}

/**
 * Seconds per outpainted keyframe at 512×512, pan and backward; from the engine table in
 * README.md (classical on 2 cores, mirror instant) and typical GPU/hosted latencies for the rest.
 */
const SECONDS_PER_STEP: Record<string, { pan: number; backward: number }> = {
  mirror: { pan: 0.02, backward: 0.02 },
  classical: { pan: 0.6, backward: 1.5 },
  a1111: { pan: 4, backward: 4 },
  comfyui: { pan: 4, backward: 4 },
  iopaint: { pan: 2, backward: 2 },
  bfl: { pan: 12, backward: 12 },
  modelslab: { pan: 15, backward: 15 },
  picsart: { pan: 8, backward: 8 },
  aithriving: { pan: 10, backward: 10 },
};

/** Compositing and encoding one 512×512 frame (docs/performance.md order of magnitude). */
const SECONDS_PER_FRAME = 0.004;

const clamp = (n: number, lo: number, hi: number): number => (Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo);

/** The planner's frame count for the form's walk; values outside the server's limits are clamped to them (the server refuses them anyway). */
function plannedFrames(i: EstimateInput): number {
  const walk = i.walk.slice(0, LIMITS.maxWalkSteps);
  if (walk.length === 0) return 1;
  const plan = planWalk({
    width: i.width,
    height: i.height,
    walk,
    // Translation moves the camera but never changes the frame count.
    translation: { x: 0, y: 0, source: 'default' },
    interpolationSteps: clamp(Math.round(i.framesPerStep), 1, LIMITS.maxInterpolationSteps),
    fps: clamp(i.fps, LIMITS.minFps, LIMITS.maxFps),
    prompts: [],
    easing: i.easing,
    loop: i.loop,
    holdStart: clamp(i.holdStart, 0, LIMITS.maxEffectSeconds),
    holdEnd: clamp(i.holdEnd, 0, LIMITS.maxEffectSeconds),
  });
  return plan.totalFrames;
}

/** The estimate for a walk with `engine`. */
export function estimate(i: EstimateInput, engine: string): Estimate {
  const frames = plannedFrames(i);
  const k = clamp(Math.round(i.outputScale), 1, LIMITS.maxOutputScale);
  const area = (Math.max(1, i.width) * Math.max(1, i.height)) / (512 * 512);
  const speed = SECONDS_PER_STEP[engine];
  const local = engine === 'mirror' || engine === 'classical';
  const keyframeSeconds = speed ? i.walk.reduce((sum, s) => sum + (s === 'backward' ? speed.backward : speed.pan), 0) * (local ? area : 1) : null;
  return {
    frames,
    seconds: i.fps > 0 ? frames / i.fps : 0,
    keyframes: i.walk.length,
    outputWidth: i.width * k,
    outputHeight: i.height * k,
    renderSeconds: keyframeSeconds === null ? null : keyframeSeconds + frames * SECONDS_PER_FRAME * area * k * k,
  };
}

/** The estimate for the form as it is now. */
export function estimateForm(f: StudioForm, engine: string): Estimate {
  const input = { walk: f.steps.map((s) => s.direction), framesPerStep: framesPerStep(f), fps: f.fps, width: f.width, height: f.height };
  return estimate({ ...input, easing: f.easing, loop: f.loop, holdStart: f.holdStart, holdEnd: f.holdEnd, outputScale: f.outputScale }, engine);
}

/** "1 min 05 s", "12 s", "0.5 s", "under 0.1 s": a duration for people. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 0.1) return 'under 0.1 s';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
