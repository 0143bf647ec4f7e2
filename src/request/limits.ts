/** Documented limits of the v5 walk request; one place so messages, schema and docs agree. */
export const LIMITS = {
  /** The public API caps sides at 1024; zoomwalk allows up to 2048 so 1080×1920 social formats fit. */
  minSide: 64,
  maxSide: 2048,
  maxWalkSteps: 200,
  minInferenceSteps: 1,
  maxInferenceSteps: 50,
  maxInterpolationSteps: 120,
  minFps: 1,
  maxFps: 120,
  maxSamples: 4,
  minGuidance: 0,
  maxGuidance: 30,
  maxOverlap: 256,
  /** Holds, fades and the audio fade-out, each in seconds. */
  maxEffectSeconds: 30,
  maxAudioVolume: 2,
  maxWatermarkScale: 1,
  maxOutputScale: 4,
  /** Largest encoded side, width × output_scale (4K UHD's long side and a bit). */
  maxOutputSide: 4096,
} as const;

export const DEFAULTS = {
  width: 512,
  height: 512,
  translationPx: 32,
  numInferenceSteps: 20,
  guidanceScale: 7.5,
  numInterpolationSteps: 60,
  fps: 120,
  samples: 1,
} as const;

export const WALK_TYPES = ['left', 'right', 'up', 'down', 'backward'] as const;
export type WalkType = (typeof WALK_TYPES)[number];

export const EASINGS = ['linear', 'ease-in', 'ease-out', 'ease-in-out'] as const;
export type Easing = (typeof EASINGS)[number];

export const WATERMARK_POSITIONS = ['top-left', 'top-right', 'bottom-left', 'bottom-right', 'center'] as const;
export type WatermarkPosition = (typeof WATERMARK_POSITIONS)[number];

export const OUTPUT_FORMATS = ['mp4', 'webm', 'gif', 'png'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The feather width where a finer keyframe meets a coarser one, when a request gives no `overlap_width`: about 1/16 of the short side. */
export function defaultOverlap(width: number, height: number): number {
  return Math.max(4, Math.round(Math.min(width, height) / 16));
}
