/**
 * Seam colour correction for a band on the left of a view: the colour step between the band's
 * last column and the pixels right of it is spread into the band as a harmonic (Laplace) offset
 * field — the gradient-domain idea of Poisson image editing (Pérez et al. 2003). High-frequency
 * parts of the step die out within a few pixels, slow ones reach about DECAY px into the band.
 */
import type { Raster } from './raster.js';

/**
 * Decay length (px) of the offset field (a screened Poisson equation): the band's overall colour is
 * set by matchBandColour (lowfreq.ts), so the membrane only has to hide the step near the seam; an
 * unscreened field would carry the last column's step across the whole band.
 */
const DECAY = 16;

/**
 * Columns the field is solved over when `short`: e^(−64/16) ≈ 2 % of the step is left at the edge,
 * under one level for the steps seen, and wide bands (1080×1920 top bands, 154 px) cost half as much.
 */
const SHORT_COLS = 64;

/**
 * SOR sweeps after the row-solution start (`short`): on a seam whose step changes by up to ±15
 * levels from row to row, 24 sweeps from that start leave the bytes within 1 level of a converged
 * field (mean 0.03), as 80 sweeps from zero did (test/unit/engines/classical-kernels.test.ts).
 */
const SHORT_SWEEPS = 24;

/**
 * Starts the field at each row's own exact solution (the 1-D screened equation along the row, a
 * tridiagonal solve): exact where the step varies slowly along the seam, so SOR only has to fix the
 * fast variations, which it does in a few sweeps (the slow ones took it ~80).
 */
function rowSolutions(off: Float32Array, d: Float32Array, n: number, m: number, lam: number): void {
  const cp = new Float64Array(m);
  const dp = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    for (let c = 0; c < 3; c++) {
      // (1 + [i+1<m] + lam)·x_i − x_{i+1} − x_{i−1} = 0, x_{−1} = d: Thomas algorithm.
      for (let i = 0; i < m; i++) {
        const b = (i + 1 < m ? 2 : 1) + lam;
        const a = i > 0 ? -1 : 0;
        const up = i + 1 < m ? -1 : 0;
        const rhs = i === 0 ? d[j * 3 + c]! : 0;
        const den = b - a * (i > 0 ? cp[i - 1]! : 0);
        cp[i] = up / den;
        dp[i] = (rhs - a * (i > 0 ? dp[i - 1]! : 0)) / den;
      }
      let x = 0;
      for (let i = m - 1; i >= 0; i--) {
        x = dp[i]! - cp[i]! * x;
        off[(j * m + i) * 3 + c] = x;
      }
    }
  }
}

/**
 * Adjusts non-fixed pixels of columns [0,bw) in rows [r0,r1) so they meet column bw without a step;
 * `short`: the large-frame method (SHORT_COLS columns, row-solution start, SHORT_SWEEPS sweeps).
 */
export function seamMembrane(work: Raster, fixed: Uint8Array, bw: number, r0: number, r1: number, iterations = 80, short = false): void {
  const W = work.width;
  const wd = work.data;
  const n = r1 - r0;
  if (bw <= 0 || n <= 0 || bw >= W) return;
  const bwE = Math.min(bw, short ? SHORT_COLS : 128);
  const off = new Float32Array(bwE * n * 3);
  const d = new Float32Array(n * 3);
  for (let y = r0; y < r1; y++) {
    const a = (y * W + bw) * 3;
    const b = (y * W + bw - 1) * 3;
    for (let c = 0; c < 3; c++) d[(y - r0) * 3 + c] = wd[a + c]! - wd[b + c]!;
  }
  // SOR on the offset field; column index 0 is the band's last column (next to the boundary).
  const omega = 1.85;
  const lam = 1 / (DECAY * DECAY);
  if (short) rowSolutions(off, d, n, bwE, lam);
  const sweeps = short ? Math.min(iterations, SHORT_SWEEPS) : iterations;
  // The channels unrolled and the neighbour tests hoisted (the same additions in the same order, so
  // the same bits as the plain loop): this SOR was the largest single cost of a 1080×1920 ring.
  const rs = bwE * 3;
  for (let it = 0; it < sweeps; it++) {
    for (let j = 0; j < n; j++) {
      const up = j > 0;
      const dn = j + 1 < n;
      const kv = 1 + (up ? 1 : 0) + (dn ? 1 : 0);
      for (let i = 0; i < bwE; i++) {
        const o = j * rs + i * 3;
        const right = i + 1 < bwE;
        const den = (right ? kv + 1 : kv) + lam;
        let s0 = i === 0 ? d[j * 3]! : off[o - 3]!;
        let s1 = i === 0 ? d[j * 3 + 1]! : off[o - 2]!;
        let s2 = i === 0 ? d[j * 3 + 2]! : off[o - 1]!;
        if (right) { s0 += off[o + 3]!; s1 += off[o + 4]!; s2 += off[o + 5]!; }
        if (up) { s0 += off[o - rs]!; s1 += off[o - rs + 1]!; s2 += off[o - rs + 2]!; }
        if (dn) { s0 += off[o + rs]!; s1 += off[o + rs + 1]!; s2 += off[o + rs + 2]!; }
        const v0 = off[o]!, v1 = off[o + 1]!, v2 = off[o + 2]!;
        off[o] = v0 + omega * (s0 / den - v0);
        off[o + 1] = v1 + omega * (s1 / den - v1);
        off[o + 2] = v2 + omega * (s2 / den - v2);
      }
    }
  }
  for (let j = 0; j < n; j++) {
    const y = r0 + j;
    for (let i = 0; i < bwE; i++) {
      const x = bw - 1 - i;
      const p = y * W + x;
      if (fixed[p]) continue;
      const o = (j * bwE + i) * 3;
      for (let c = 0; c < 3; c++) {
        const v = wd[p * 3 + c]! + off[o + c]!;
        wd[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
}
