import type { RawImage } from '../image/raw.js';

/** Copies every known (mask = 0) pixel of `canvas` into `result`, so an engine can never change what was given. */
export function restoreKnown(result: RawImage, canvas: RawImage, mask: Uint8Array): RawImage {
  if (result.data === canvas.data) return result;
  const out = result.data;
  const src = canvas.data;
  for (let p = 0; p < mask.length; p++) {
    if (mask[p] === 0) {
      out[p * 3] = src[p * 3]!;
      out[p * 3 + 1] = src[p * 3 + 1]!;
      out[p * 3 + 2] = src[p * 3 + 2]!;
    }
  }
  return result;
}
