// The creative fields (speed, easing, holds, fades, loop, audio, watermark, output_scale) of the
// form ⇄ v5 body, both ways. No DOM here: unit tests import this file.
import { EASINGS, WATERMARK_POSITIONS, type Easing, type WatermarkPosition } from '../request/limits.js';
import type { ParsedWalkRequest } from '../request/schema.js';
import type { StudioForm } from './form.js';

/** The creative part of the body the studio sends; each field only when the form uses it. */
export type CreativeBody = Partial<
  Pick<
    ParsedWalkRequest,
    | 'num_interpolation_steps' | 'seconds_per_step' | 'easing' | 'hold_start_s' | 'hold_end_s' | 'fade_in_s' | 'fade_out_s' | 'loop'
    | 'audio' | 'audio_volume' | 'audio_fade_out_s' | 'watermark' | 'watermark_position' | 'watermark_scale' | 'watermark_opacity' | 'output_scale'
  >
>;

/** `num_interpolation_steps` or `seconds_per_step`: the form holds one of them, never both (the server refuses both). */
export function speedBody(form: StudioForm): CreativeBody {
  return form.speedMode === 'seconds' ? { seconds_per_step: form.secondsPerStep } : { num_interpolation_steps: form.interpolation };
}

/**
 * Effects and output fields. Fields at the server's default are left out, except the settings of
 * an audio track or watermark that is given (they are sent with it, so the copied JSON shows them).
 */
export function effectsBody(form: StudioForm): CreativeBody {
  return {
    ...(form.easing !== 'linear' ? { easing: form.easing } : {}),
    ...(form.holdStart > 0 ? { hold_start_s: form.holdStart } : {}),
    ...(form.holdEnd > 0 ? { hold_end_s: form.holdEnd } : {}),
    ...(form.fadeIn > 0 ? { fade_in_s: form.fadeIn } : {}),
    ...(form.fadeOut > 0 ? { fade_out_s: form.fadeOut } : {}),
    // Sent as set, even on a walk that cannot loop: the server's message then says why, next to the box.
    ...(form.loop ? { loop: true } : {}),
    ...(form.audio !== '' ? { audio: form.audio, audio_volume: form.audioVolume, audio_fade_out_s: form.audioFadeOut } : {}),
    ...(form.watermark !== ''
      ? { watermark: form.watermark, watermark_position: form.watermarkPosition, watermark_scale: form.watermarkScale, watermark_opacity: form.watermarkOpacity }
      : {}),
    ...(form.outputScale !== 1 ? { output_scale: form.outputScale } : {}),
  };
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

const oneOf = <T extends string>(v: unknown, values: readonly T[]): T | undefined => {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  return (values as readonly string[]).includes(s ?? '') ? (s as T) : undefined;
};

/** The creative part of a form from a body; fields the body lacks are left out (the caller's base keeps them). */
export function creativeFromBody(b: Record<string, unknown>, problems: string[]): Partial<StudioForm> {
  const out: Record<string, unknown> = {};
  const frames = num(b['num_interpolation_steps']);
  const seconds = num(b['seconds_per_step']);
  if (frames !== undefined && seconds !== undefined) problems.push('seconds_per_step: give seconds_per_step or num_interpolation_steps, not both');
  if (frames !== undefined) Object.assign(out, { speedMode: 'frames', interpolation: frames });
  else if (seconds !== undefined) Object.assign(out, { speedMode: 'seconds', secondsPerStep: seconds });
  if (b['easing'] !== undefined) {
    const easing = oneOf<Easing>(b['easing'], EASINGS);
    if (easing) out['easing'] = easing;
    else problems.push(`easing: must be one of ${EASINGS.join(', ')}`);
  }
  const numbers = [
    ['hold_start_s', 'holdStart'], ['hold_end_s', 'holdEnd'], ['fade_in_s', 'fadeIn'], ['fade_out_s', 'fadeOut'], ['audio_volume', 'audioVolume'],
    ['audio_fade_out_s', 'audioFadeOut'], ['watermark_scale', 'watermarkScale'], ['watermark_opacity', 'watermarkOpacity'], ['output_scale', 'outputScale'],
  ] as const;
  for (const [field, key] of numbers) {
    const n = num(b[field]);
    if (n !== undefined) out[key] = n;
  }
  if (b['loop'] !== undefined) out['loop'] = b['loop'] === true || b['loop'] === 'true' || b['loop'] === 'yes';
  // A finished job's meta says only whether it had audio / a watermark, not the source (src/render/meta.ts):
  // the form is cleared rather than left with another job's file, and the source must be given again.
  if (typeof b['audio'] === 'string') out['audio'] = b['audio'];
  if (typeof b['audio'] === 'boolean') out['audio'] = '';
  if (typeof b['watermark'] === 'boolean') Object.assign(out, { watermark: '', watermarkName: '' });
  if (typeof b['watermark'] === 'string' && b['watermark'] !== '') {
    out['watermark'] = b['watermark'];
    out['watermarkName'] = /^https?:\/\//i.test(b['watermark']) ? b['watermark'] : 'pasted watermark';
  }
  if (b['watermark_position'] !== undefined) {
    const position = oneOf<WatermarkPosition>(b['watermark_position'], WATERMARK_POSITIONS);
    if (position) out['watermarkPosition'] = position;
    else problems.push(`watermark_position: must be one of ${WATERMARK_POSITIONS.join(', ')}`);
  }
  return out as Partial<StudioForm>;
}
