/**
 * Crops of a view as refinement jobs, and the refined crops pasted back: plain data, so a job can be
 * posted to a worker.
 */
import type { Rect } from '../../walk/geometry.js';
import type { Effort } from './effort.js';
import type { Raster } from './raster.js';
import type { RefineJob, RefineSource } from './refine-job.js';

/** Max rows a band's refinement may borrow from above or below. */
const MAX_SHIFT = 16;

/** A refinement job for crop `c` of a view: pixels not `fixed` are editable. */
export function makeJob(view: Raster, fixed: Uint8Array, c: Rect, sources: RefineSource[], axis: 'rows' | 'none', e: Effort, seed: number): RefineJob {
  const w = c.x1 - c.x0;
  const h = c.y1 - c.y0;
  const image = new Uint8Array(w * h * 3);
  const editable = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const so = ((c.y0 + y) * view.width + c.x0) * 3;
    image.set(view.data.subarray(so, so + w * 3), y * w * 3);
    for (let x = 0; x < w; x++) editable[y * w + x] = fixed[(c.y0 + y) * view.width + c.x0 + x] ? 0 : 1;
  }
  return { width: w, height: h, image, editable, ox: c.x0, oy: c.y0, sources, axis, maxShift: MAX_SHIFT, levels: e.levels, emIters: e.emIters, pmIters: e.pmIters, patchR: e.patchR, seed };
}

/** A copy of `a` in a SharedArrayBuffer: the refinement jobs then share it instead of each copying it. */
export function shareBytes(a: Uint8Array): Uint8Array {
  const out = new Uint8Array(new SharedArrayBuffer(a.length));
  out.set(a);
  return out;
}

/** The crop `c` of a one-channel plane of width w. */
export function cropPlane(plane: Uint8Array, w: number, c: Rect): Uint8Array {
  const cw = c.x1 - c.x0;
  const out = new Uint8Array(cw * (c.y1 - c.y0));
  for (let y = c.y0; y < c.y1; y++) out.set(plane.subarray(y * w + c.x0, y * w + c.x1), (y - c.y0) * cw);
  return out;
}

/** `fixed` plus every pixel outside the refine zone. */
export function zoneFixed(fixed: Uint8Array, zone: Uint8Array): Uint8Array {
  const out = new Uint8Array(fixed.length);
  for (let p = 0; p < out.length; p++) out[p] = fixed[p] || !zone[p] ? 1 : 0;
  return out;
}

/** Copies a refined crop's editable pixels of rows [ya,yb) and columns < maxX back into the view. */
export function pasteCrop(view: Raster, fixed: Uint8Array, res: Uint8Array, cx0: number, cy0: number, cw: number, ch: number, ya: number, yb: number, maxX: number): void {
  for (let y = Math.max(ya, cy0); y < Math.min(yb, cy0 + ch); y++) {
    for (let x = cx0; x < Math.min(cx0 + cw, maxX); x++) {
      const p = y * view.width + x;
      if (fixed[p]) continue;
      const q = ((y - cy0) * cw + (x - cx0)) * 3;
      view.data[p * 3] = res[q]!;
      view.data[p * 3 + 1] = res[q + 1]!;
      view.data[p * 3 + 2] = res[q + 2]!;
    }
  }
}
