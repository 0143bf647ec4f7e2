/** How a nearest-neighbour field becomes pixels: EM's weighted vote, and the final best-patch vote. */
import type { Level } from './patchmatch-pyramid.js';
import type { Nnf } from './patchmatch-nnf.js';

/** Sets each editable pixel to the corresponding pixel of the lowest-distance patch covering it. */
export function bestVote(L: Level, nnf: Nnf, r: number): void {
  const best = new Float64Array(L.w * L.h).fill(Infinity);
  for (const c of L.centres) {
    const k = nnf.k[c]!;
    if (k < 0) continue;
    const s = L.srcs[k]!;
    const d = nnf.d[c]!;
    const cx = c % L.w;
    const cy = (c - cx) / L.w;
    const sx = nnf.x[c]!;
    const sy = nnf.y[c]!;
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        const p = (cy + dy) * L.w + cx + dx;
        if (!L.E[p] || d >= best[p]!) continue;
        best[p] = d;
        const q = ((sy + dy) * s.w + sx + dx) * 3;
        L.T[p * 3] = s.d[q]!;
        L.T[p * 3 + 1] = s.d[q + 1]!;
        L.T[p * 3 + 2] = s.d[q + 2]!;
      }
    }
  }
}

/** Weighted vote of all overlapping patches into each editable pixel (Wexler et al.). */
export function vote(L: Level, nnf: Nnf, r: number): void {
  const n = L.w * L.h;
  const acc = new Float32Array(n * 3);
  const ws = new Float32Array(n);
  const area = (2 * r + 1) * (2 * r + 1) * 3;
  const sample: number[] = [];
  const stride = Math.max(1, Math.floor(L.centres.length / 2000));
  for (let i = 0; i < L.centres.length; i += stride) {
    const d = nnf.d[L.centres[i]!]!;
    if (Number.isFinite(d)) sample.push(d / area);
  }
  sample.sort((a, b) => a - b);
  const sigma2 = Math.max(1, sample[Math.floor(sample.length * 0.75)] ?? 1);
  for (const c of L.centres) {
    const k = nnf.k[c]!;
    if (k < 0) continue;
    const s = L.srcs[k]!;
    const wgt = Math.exp(-nnf.d[c]! / area / (2 * sigma2)) + 1e-6;
    const cx = c % L.w;
    const cy = (c - cx) / L.w;
    const sx = nnf.x[c]!, sy = nnf.y[c]!;
    for (let dy = -r; dy <= r; dy++) {
      const row = (cy + dy) * L.w + cx;
      const srow = (sy + dy) * s.w + sx;
      for (let dx = -r; dx <= r; dx++) {
        const p = row + dx;
        if (!L.E[p]) continue;
        const q = (srow + dx) * 3;
        acc[p * 3]! += wgt * s.d[q]!;
        acc[p * 3 + 1]! += wgt * s.d[q + 1]!;
        acc[p * 3 + 2]! += wgt * s.d[q + 2]!;
        ws[p]! += wgt;
      }
    }
  }
  for (let p = 0; p < n; p++) {
    const w = ws[p]!;
    if (!L.E[p] || w <= 0) continue;
    L.T[p * 3] = acc[p * 3]! / w;
    L.T[p * 3 + 1] = acc[p * 3 + 1]! / w;
    L.T[p * 3 + 2] = acc[p * 3 + 2]! / w;
  }
}
