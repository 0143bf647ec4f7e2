import { z } from 'zod';
import { EASINGS, LIMITS, WATERMARK_POSITIONS } from './limits.js';
import { flag, int, lowerCased, num, numeric } from './zod-inputs.js';

const seconds = num(0, LIMITS.maxEffectSeconds);

/** The creative extensions of the walk request (docs/request.md, "Motion, effects, audio"): spread into walkRequestSchema. */
export const creativeFields = {
  seconds_per_step: z.preprocess(numeric, z.number().gt(0).max(LIMITS.maxInterpolationSteps)).optional(),
  easing: z.preprocess(lowerCased, z.enum(EASINGS)).default('linear'),
  hold_start_s: seconds.default(0),
  hold_end_s: seconds.default(0),
  fade_in_s: seconds.default(0),
  fade_out_s: seconds.default(0),
  loop: flag.default(false),
  audio: z.string().min(1).optional(),
  audio_volume: num(0, LIMITS.maxAudioVolume).default(1),
  audio_fade_out_s: seconds.default(0),
  watermark: z.string().min(1).optional(),
  watermark_position: z.preprocess(lowerCased, z.enum(WATERMARK_POSITIONS)).default('bottom-right'),
  watermark_scale: z.preprocess(numeric, z.number().gt(0).max(LIMITS.maxWatermarkScale)).default(0.2),
  watermark_opacity: num(0, 1).default(1),
  output_scale: int(1, LIMITS.maxOutputScale).default(1),
};
