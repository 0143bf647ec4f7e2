/**
 * Band colour from what lies next to it. Over many photos the colour of the pixels just inside the
 * boundary predicts the mean colour of what lies beyond far better than the quilted blocks do
 * (blocks come from anywhere in the frame and bring their own brightness), so each row of the band
 * is shifted — by an offset smoothed along the band, the same for the whole row — until its mean
 * colour equals that of a thin strip of pixels right of the band. Texture and the fill's own
 * variation across the band are kept; only the row's average moves.
 */
import type { Plane } from './plane.js';

/** Width of the strip right of the band whose colour the band takes on (4–8 px predict equally well). */
const STRIP = 6;
/** Smoothing along the band (px): follows the boundary's colour regions without printing its details as stripes. */
const SIGMA = 16;

/** Shifts the non-fixed pixels of columns [0,bw) in rows [r0,r1) toward the strip right of the band. */
export function matchBandColour(work: Plane, fixed: Uint8Array, bw: number, r0: number, r1: number): void {
  const W = work.width;
  const wd = work.data;
  const n = r1 - r0;
  if (bw <= 0 || n <= 0 || bw >= W) return;
  const strip = Math.max(1, Math.min(W - bw, STRIP));
  const t = new Float64Array(n * 3);
  const f = new Float64Array(n * 3);
  const fc = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const y = r0 + j;
    for (let x = bw; x < bw + strip; x++) for (let c = 0; c < 3; c++) t[j * 3 + c]! += wd[(y * W + x) * 3 + c]! / strip;
    for (let x = 0; x < bw; x++) {
      if (fixed[y * W + x]) continue;
      for (let c = 0; c < 3; c++) f[j * 3 + c]! += wd[(y * W + x) * 3 + c]!;
      fc[j]! += 1;
    }
  }
  const sigma = SIGMA;
  const R = Math.ceil(3 * sigma);
  const wts = new Float64Array(2 * R + 1);
  for (let g = -R; g <= R; g++) wts[g + R] = Math.exp((-g * g) / (2 * sigma * sigma));
  for (let j = 0; j < n; j++) {
    let wt = 0, wf = 0;
    const st = [0, 0, 0], sf = [0, 0, 0];
    for (let g = Math.max(0, j - R); g <= Math.min(n - 1, j + R); g++) {
      const w = wts[g - j + R]!;
      wt += w;
      wf += w * fc[g]!;
      for (let c = 0; c < 3; c++) {
        st[c]! += w * t[g * 3 + c]!;
        sf[c]! += w * f[g * 3 + c]!;
      }
    }
    if (wf <= 0) continue;
    const y = r0 + j;
    for (let x = 0; x < bw; x++) {
      const p = y * W + x;
      if (fixed[p]) continue;
      for (let c = 0; c < 3; c++) {
        const v = wd[p * 3 + c]! + (st[c]! / wt - sf[c]! / wf);
        wd[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
}
