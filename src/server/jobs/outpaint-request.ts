import type { PlacementOptions } from '../../request/outpaint-options.js';
import { INPUT_FIELD, KIND_FIELD, MASK_FIELD, SPEC_FIELD } from './fields.js';
import type { JobRecord } from './types.js';

/** A single outpaint as the API plugins store it (every public format but v5). */
export interface OutpaintJobSpec {
  readonly placement: PlacementOptions;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly seed: number;
  readonly steps: number;
  readonly guidance: number;
  readonly format: 'png' | 'jpeg' | 'webp';
  /** Outputs with seeds seed … seed+count−1. */
  readonly count: number;
}

/** The stored request body of a single-outpaint job; `extra` holds the public fields (webhook, track_id, …). */
export function outpaintJobRequest(spec: OutpaintJobSpec, input: string, mask: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, [KIND_FIELD]: 'outpaint', [INPUT_FIELD]: input, ...(mask ? { [MASK_FIELD]: mask } : {}), [SPEC_FIELD]: spec };
}

/** The spec of a job made by outpaintJobRequest; null for a walk. */
export function outpaintSpec(job: JobRecord): OutpaintJobSpec | null {
  return job.request[KIND_FIELD] === 'outpaint' ? (job.request[SPEC_FIELD] as OutpaintJobSpec) : null;
}
