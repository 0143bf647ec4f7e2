import { ValidationError } from '../errors.js';
import { restoreKnown } from '../engines/known-pixels.js';
import type { OutpaintEngine } from '../engines/types.js';
import type { RawImage } from '../image/raw.js';
import type { WalkRequest } from '../request/walk-request.js';

/**
 * The walk's first keyframe from a picture with transparent pixels: the engine generates them (the
 * transparent pixels are the mask, as Picsart's single-image mode reads them) with the walk's first
 * prompt and base seed, and every opaque pixel is kept as given.
 */
export async function fillTransparent(engine: OutpaintEngine, image: RawImage, transparent: Uint8Array, request: WalkRequest, seed: number, signal?: AbortSignal): Promise<RawImage> {
  if (!transparent.includes(0)) throw new ValidationError([{ path: 'image', message: 'is transparent everywhere; nothing is left to outpaint from' }]);
  const result = await engine.outpaint(
    { image, mask: transparent, prompt: request.prompts[0] ?? '', negativePrompt: request.negativePrompts[0] ?? '', seed, steps: request.inferenceSteps, guidance: request.guidance, overlap: request.overlap },
    signal,
  );
  return restoreKnown(result, image, transparent);
}
