/** Classifies a mask into the shapes the engine has dedicated strategies for. */
import type { Rect } from '../../walk/geometry.js';

export type MaskPlan =
  /** Nothing to generate. */
  | { kind: 'none' }
  /** Nothing known: there is no source material in the frame. */
  | { kind: 'empty' }
  /** Known pixels form exactly one axis-aligned rectangle; the hole is up to four bands around it. */
  | { kind: 'rect'; known: Rect }
  /** Anything else; `hole` is the bounding box of the pixels to generate. */
  | { kind: 'generic'; hole: Rect };

/** Smallest known rectangle side for which band quilting makes sense. */
const MIN_KNOWN = 24;

/** Binarises the mask (>=128 means generate) so partial values behave predictably. */
export function binaryHole(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i]! >= 128 ? 1 : 0;
  return out;
}

/** Decides which strategy fits `hole` (1 = generate). */
export function planMask(hole: Uint8Array, w: number, h: number): MaskPlan {
  let kx0 = w, ky0 = h, kx1 = -1, ky1 = -1;
  let hx0 = w, hy0 = h, hx1 = -1, hy1 = -1;
  let known = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (hole[y * w + x]) {
        if (x < hx0) hx0 = x;
        if (x > hx1) hx1 = x;
        if (y < hy0) hy0 = y;
        if (y > hy1) hy1 = y;
      } else {
        known++;
        if (x < kx0) kx0 = x;
        if (x > kx1) kx1 = x;
        if (y < ky0) ky0 = y;
        if (y > ky1) ky1 = y;
      }
    }
  }
  if (hx1 < 0) return { kind: 'none' };
  if (known === 0) return { kind: 'empty' };
  const rw = kx1 - kx0 + 1;
  const rh = ky1 - ky0 + 1;
  const holeRect = { x0: hx0, y0: hy0, x1: hx1 + 1, y1: hy1 + 1 };
  if (known === rw * rh && rw >= MIN_KNOWN && rh >= MIN_KNOWN) {
    return { kind: 'rect', known: { x0: kx0, y0: ky0, x1: kx1 + 1, y1: ky1 + 1 } };
  }
  return { kind: 'generic', hole: holeRect };
}
