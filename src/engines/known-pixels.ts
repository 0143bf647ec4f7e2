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

/**
 * A rectangle as its top-left corner and size, the form sharp's extract and the services take;
 * Rect (src/walk/geometry.ts) is the same rectangle given by two corners.
 */
export interface SizedRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Bounding box of the known (mask = 0) pixels, or null when nothing is known. */
export function knownBox(mask: Uint8Array, width: number, height: number): SizedRect | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] !== 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
