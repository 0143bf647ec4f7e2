/**
 * Hides the colour step where two quilted blocks meet. The minimum-error cut finds where two blocks
 * agree in texture, but in a smooth region (a sky, a wall) blocks fetched from different heights
 * differ in brightness everywhere, and on large fills, whose block interiors are not refined
 * (refine-zone.ts), each cut then shows as a line. Per cut pixel the step between the rows just
 * above and just below the cut, smoothed along the cut, is split between the two blocks and faded
 * out away from the cut — the feathered offset of Poisson blending, as the seam with the known
 * pixels gets (membrane.ts). In textured regions the smoothed step is close to zero, so texture is
 * left alone.
 */
import type { Rect } from '../../walk/geometry.js';
import type { Raster } from './raster.js';

/** How far (px) the correction reaches from a cut (e-folding length). */
const FADE = 16;
/** Rows either side of a cut whose mean colours are compared. */
const PROBE = 3;
/** Radius (px) of the smoothing of steps along a cut. */
const ALONG = 8;

/**
 * Blends the cuts in `joins` (one 1×1 rect per cut pixel, in the order quilting made them: a block's
 * cut left to right) within band columns [0, bw) and rows [r0, r1) of a view; `fixed` pixels stay.
 */
export function blendJoins(view: Raster, fixed: Uint8Array, joins: readonly Rect[], bw: number, r0: number, r1: number): void {
  const W = view.width;
  const d = view.data;
  const reach = 3 * FADE;
  const off = new Float32Array(bw * (r1 - r0) * 3);
  for (const cut of cutsOf(joins, bw)) {
    const n = cut.length >> 1;
    const step = new Float64Array(n * 3);
    const ok = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = cut[2 * i]!, y = cut[2 * i + 1]!;
      if (y - PROBE < r0 || y + PROBE > r1) continue;
      let good = true;
      for (let t = -PROBE; t < PROBE && good; t++) if (fixed[(y + t) * W + x]) good = false;
      if (!good) continue;
      ok[i] = 1;
      for (let t = 0; t < PROBE; t++) {
        const a = ((y - 1 - t) * W + x) * 3;
        const b = ((y + t) * W + x) * 3;
        for (let c = 0; c < 3; c++) step[i * 3 + c]! += (d[a + c]! - d[b + c]!) / PROBE;
      }
    }
    for (let i = 0; i < n; i++) {
      if (!ok[i]) continue;
      let s0 = 0, s1 = 0, s2 = 0, k = 0;
      for (let q = Math.max(0, i - ALONG); q <= Math.min(n - 1, i + ALONG); q++) {
        if (!ok[q]) continue;
        s0 += step[q * 3]!;
        s1 += step[q * 3 + 1]!;
        s2 += step[q * 3 + 2]!;
        k++;
      }
      const x = cut[2 * i]!, y = cut[2 * i + 1]!;
      const h0 = s0 / k / 2, h1 = s1 / k / 2, h2 = s2 / k / 2;
      // Below the cut (the newer block) is raised by half the step, above it lowered by half.
      for (let t = 0; t < reach; t++) {
        const w = Math.exp(-t / FADE);
        const yb = y + t, ya = y - 1 - t;
        if (yb < r1) {
          const o = ((yb - r0) * bw + x) * 3;
          off[o]! += w * h0;
          off[o + 1]! += w * h1;
          off[o + 2]! += w * h2;
        }
        if (ya >= r0) {
          const o = ((ya - r0) * bw + x) * 3;
          off[o]! -= w * h0;
          off[o + 1]! -= w * h1;
          off[o + 2]! -= w * h2;
        }
      }
    }
  }
  for (let y = r0; y < r1; y++) {
    for (let x = 0; x < bw; x++) {
      const p = y * W + x;
      if (fixed[p]) continue;
      const o = ((y - r0) * bw + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = d[p * 3 + c]! + off[o + c]!;
        d[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
}

/** The cut paths in `joins` as flat [x, y, …] lists inside the band: a new path starts where x stops increasing. */
function cutsOf(joins: readonly Rect[], bw: number): Int32Array[] {
  const out: Int32Array[] = [];
  let cur: number[] = [];
  let lastX = -1;
  for (const j of joins) {
    if (j.x1 - j.x0 !== 1 || j.y1 - j.y0 !== 1) continue;
    if (j.x0 <= lastX && cur.length > 0) {
      out.push(Int32Array.from(cur));
      cur = [];
    }
    lastX = j.x0;
    if (j.x0 < bw) cur.push(j.x0, j.y0);
  }
  if (cur.length > 0) out.push(Int32Array.from(cur));
  return out;
}
