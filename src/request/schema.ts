import { z } from 'zod';
import { DEFAULTS, LIMITS, OUTPUT_FORMATS, WALK_TYPES } from './limits.js';
import { creativeFields } from './creative-schema.js';
import { flag, int, num, numeric, yesNo } from './zod-inputs.js';

/** Case-insensitive enum input; `back` is the public example's spelling of `backward`. */
function walkValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return v === 'back' ? 'backward' : v;
}

/** A per-step text: one string, one per step, or an object keyed by step index (src/request/schedule.ts). */
const schedule = z.union([z.string(), z.array(z.string()).min(1), z.record(z.string(), z.string())]);
const seedValue = z.preprocess(numeric, z.number().int().min(0).max(0xffffffff).nullable());

/** The v5/outpaint walk request as sent over the wire, plus zoomwalk's documented extensions. */
export const walkRequestSchema = z.object({
  key: z.string().optional(),
  preset: z.string().optional(),
  prompt: schedule.default(''),
  negative_prompt: schedule.default(''),
  image: z.string().min(1),
  width: int(LIMITS.minSide, LIMITS.maxSide).default(DEFAULTS.width),
  height: int(LIMITS.minSide, LIMITS.maxSide).default(DEFAULTS.height),
  walk_type: z.preprocess(
    (v) => (typeof v === 'string' ? [v] : v),
    z.array(z.preprocess(walkValue, z.enum(WALK_TYPES))).min(1).max(LIMITS.maxWalkSteps),
  ),
  width_translation_per_step: int(1, LIMITS.maxSide).optional(),
  height_translation_per_step: int(1, LIMITS.maxSide).optional(),
  translation_factor: z.preprocess(numeric, z.number().gt(0).lt(1)).optional(),
  num_inference_steps: int(LIMITS.minInferenceSteps, LIMITS.maxInferenceSteps).default(DEFAULTS.numInferenceSteps),
  guidance_scale: num(LIMITS.minGuidance, LIMITS.maxGuidance).default(DEFAULTS.guidanceScale),
  // No default here: giving it together with seconds_per_step is an error (validate.ts applies the default).
  num_interpolation_steps: int(1, LIMITS.maxInterpolationSteps).optional(),
  as_video: yesNo.default('yes'),
  fps: int(LIMITS.minFps, LIMITS.maxFps).default(DEFAULTS.fps),
  // One seed for the walk, or one per step (null: that step's default); see step-seeds.ts.
  seed: z.union([seedValue, z.array(seedValue).min(1).max(LIMITS.maxWalkSteps)]).default(null),
  samples: int(1, LIMITS.maxSamples).default(DEFAULTS.samples),
  webhook: z.string().url().nullable().optional(),
  track_id: z.union([z.string(), z.number()]).nullable().optional(),
  overlap_width: int(0, LIMITS.maxOverlap).optional(),
  reverse: flag.default(false),
  output_format: z.preprocess(walkValue, z.enum(OUTPUT_FORMATS)).optional(),
  engine: z.string().min(1).optional(),
  engine_options: z.record(z.string(), z.unknown()).optional(),
  ...creativeFields,
});

export type WalkRequestInput = z.input<typeof walkRequestSchema>;
export type ParsedWalkRequest = z.output<typeof walkRequestSchema>;
