/**
 * Where quilting copied each band pixel from: library entry k at (x, y) of its view. Refinement
 * starts its nearest-neighbour field there instead of at random (the field is reused from
 * quilting), so inside a block the exact source is found at once and the passes go to the joins.
 */
import type { Rect } from '../../walk/geometry.js';

/** Per pixel of a w×h area: source entry (−1: not copied from a source) and source pixel. */
export interface SourceMap {
  w: number;
  h: number;
  k: Int8Array;
  x: Int32Array;
  y: Int32Array;
}

/** A w×h map with no pixel copied yet. */
export function newSourceMap(w: number, h: number): SourceMap {
  return { w, h, k: new Int8Array(w * h).fill(-1), x: new Int32Array(w * h), y: new Int32Array(w * h) };
}

/** The part of `m` under rectangle `c` (parts of `c` outside `m` are not copied). */
export function cropSourceMap(m: SourceMap, c: Rect): SourceMap {
  const w = c.x1 - c.x0;
  const out = newSourceMap(w, c.y1 - c.y0);
  for (let y = Math.max(0, c.y0); y < Math.min(m.h, c.y1); y++) {
    const xa = Math.max(0, c.x0), xb = Math.min(m.w, c.x1);
    if (xb <= xa) continue;
    const from = y * m.w + xa;
    const to = (y - c.y0) * w + xa - c.x0;
    out.k.set(m.k.subarray(from, from + xb - xa), to);
    out.x.set(m.x.subarray(from, from + xb - xa), to);
    out.y.set(m.y.subarray(from, from + xb - xa), to);
  }
  return out;
}
