/**
 * The nearest-neighbour field of PatchMatch (Barnes et al. 2009): for each target patch centre the
 * best source patch found so far, seeded at random or from the coarser level, then improved by
 * propagation from neighbours and a shrinking random search.
 */
import { randInt, type Rng } from './rng.js';
import type { Level, Src } from './patchmatch-pyramid.js';
import type { RefineJob } from './refine-job.js';

/** Per-pixel-channel squared error charged per squared pixel of vertical shift (full resolution). */
const SHIFT_W = 1.0;
/**
 * Per-pixel-channel squared error charged for a source patch centred on a pixel earlier steps
 * generated: copying the fill of earlier steps again is how features repeat inward over a walk.
 */
const GEN_W = 24;

/** Per target pixel: source index (-1: none yet), patch centre, and patch distance. */
export interface Nnf {
  k: Int8Array;
  x: Int32Array;
  y: Int32Array;
  d: Float64Array;
}

/** An empty field for a level: no match, infinite distance. */
export function newNnf(L: Level): Nnf {
  const n = L.w * L.h;
  const nnf = { k: new Int8Array(n).fill(-1), x: new Int32Array(n), y: new Int32Array(n), d: new Float64Array(n).fill(Infinity) };
  return nnf;
}

/** Allowed source rows for a target row, clamped into the rows that have any valid patch. */
function rowWindow(job: RefineJob, L: Level, s: Src, y: number): [number, number] {
  if (job.axis === 'none') return [s.minRow, s.maxRow];
  const D = shiftAt(job, L);
  const c = effRow(job, L, s, y, D);
  return [Math.max(s.minRow, c - D), Math.min(s.maxRow, c + D)];
}

/** The largest vertical shift, in this level's pixels. */
function shiftAt(job: RefineJob, L: Level): number {
  return Math.max(1, Math.round(job.maxShift / L.scale));
}

/** Target row in source terms; rows beyond the source's valid rows (corners) use the nearest valid ones. */
function effRow(job: RefineJob, L: Level, s: Src, y: number, D: number): number {
  const gy = y + Math.round(job.oy / L.scale);
  if (gy >= s.minRow && gy <= s.maxRow) return gy;
  return gy < s.minRow ? Math.min(s.maxRow, s.minRow + D) : Math.max(s.minRow, s.maxRow - D);
}

function patchDist(L: Level, cx: number, cy: number, s: Src, sx: number, sy: number, r: number, best: number): number {
  const T = L.T;
  const S = s.d;
  const span = (2 * r + 1) * 3;
  let d = 0;
  for (let dy = -r; dy <= r; dy++) {
    let t = ((cy + dy) * L.w + cx - r) * 3;
    let q = ((sy + dy) * s.w + sx - r) * 3;
    for (let i = 0; i < span; i++, t++, q++) {
      const e = T[t]! - S[q]!;
      d += e * e;
    }
    if (d >= best) return d;
  }
  return d;
}

function tryCand(nnf: Nnf, L: Level, job: RefineJob, r: number, c: number, cx: number, cy: number, k: number, sx: number, sy: number): void {
  const s = L.srcs[k];
  if (!s || sx < r || sy < r || sx >= s.w - r || sy >= s.h - r || !s.valid[sy * s.w + sx]) return;
  if (nnf.k[c] === k && nnf.x[c] === sx && nnf.y[c] === sy) return;
  let pen = s.gen && s.gen[sy * s.w + sx] ? GEN_W * (2 * r + 1) * (2 * r + 1) * 3 : 0;
  if (job.axis === 'rows') {
    // rowWindow's test, with the target row computed once.
    const D = shiftAt(job, L);
    const e = effRow(job, L, s, cy, D);
    if (sy < Math.max(s.minRow, e - D) || sy > Math.min(s.maxRow, e + D)) return;
    const dy = (sy - e) * L.scale;
    pen += SHIFT_W * dy * dy * (2 * r + 1) * (2 * r + 1) * 3;
  }
  const best = nnf.d[c]!;
  if (pen >= best) return;
  const d = patchDist(L, cx, cy, s, sx, sy, r, best - pen) + pen;
  if (d < best) {
    nnf.k[c] = k;
    nnf.x[c] = sx;
    nnf.y[c] = sy;
    nnf.d[c] = d;
  }
}

function randomCand(nnf: Nnf, L: Level, job: RefineJob, r: number, c: number, cx: number, cy: number, rng: Rng): void {
  const k = Math.floor(rng() * L.srcs.length);
  const s = L.srcs[k]!;
  if (s.maxRow < 0) return;
  const [lo, hi] = rowWindow(job, L, s, cy);
  tryCand(nnf, L, job, r, c, cx, cy, k, randInt(rng, r, s.w - r - 1), randInt(rng, lo, hi));
}

/** Seeds every target patch with where quilting copied it from (job.seedMap), else a random valid source patch. */
export function initNnf(nnf: Nnf, L: Level, job: RefineJob, r: number, rng: Rng): void {
  const m = job.seedMap;
  const s = L.scale;
  for (const c of L.centres) {
    const cx = c % L.w;
    const cy = (c - cx) / L.w;
    if (m && cx * s < m.w && cy * s < m.h) {
      const i = cy * s * m.w + cx * s;
      const k = m.k[i]!;
      if (k >= 0) tryCand(nnf, L, job, r, c, cx, cy, k, Math.floor(m.x[i]! / s), Math.floor(m.y[i]! / s));
    }
    for (let t = 0; t < 12 && nnf.k[c]! < 0; t++) randomCand(nnf, L, job, r, c, cx, cy, rng);
  }
}

/** Seeds each target patch from the coarser level's match, doubled, falling back to random ones. */
export function upsampleNnf(prev: Nnf, P: Level, nnf: Nnf, L: Level, job: RefineJob, r: number, rng: Rng): void {
  for (const c of L.centres) {
    const cx = c % L.w;
    const cy = (c - cx) / L.w;
    const px = Math.min(P.w - 1, cx >> 1);
    const py = Math.min(P.h - 1, cy >> 1);
    const pc = py * P.w + px;
    const k = prev.k[pc]!;
    if (k >= 0) tryCand(nnf, L, job, r, c, cx, cy, k, 2 * prev.x[pc]! + (cx & 1), 2 * prev.y[pc]! + (cy & 1));
    for (let t = 0; t < 4 && nnf.k[c]! < 0; t++) randomCand(nnf, L, job, r, c, cx, cy, rng);
  }
}

/** One PatchMatch pass: re-measure, propagate from the previous neighbour (in scan order, or reversed), random search. */
export function patchMatchPass(nnf: Nnf, L: Level, job: RefineJob, r: number, rng: Rng, reverse: boolean): void {
  const cs = L.centres;
  const n = cs.length;
  const step = reverse ? 1 : -1;
  // Distances were measured against the previous image; re-measure so they compare fairly.
  for (const c of cs) {
    const k = nnf.k[c]!;
    if (k < 0) continue;
    const cx = c % L.w;
    const cy = (c - cx) / L.w;
    const x = nnf.x[c]!, y = nnf.y[c]!;
    nnf.k[c] = -1;
    nnf.d[c] = Infinity;
    tryCand(nnf, L, job, r, c, cx, cy, k, x, y);
  }
  for (let i = 0; i < n; i++) {
    const c = cs[reverse ? n - 1 - i : i]!;
    const cx = c % L.w;
    const cy = (c - cx) / L.w;
    const a = c + step;
    const b = c + step * L.w;
    if (nnf.k[a]! >= 0) tryCand(nnf, L, job, r, c, cx, cy, nnf.k[a]!, nnf.x[a]! - step, nnf.y[a]!);
    if (nnf.k[b]! >= 0) tryCand(nnf, L, job, r, c, cx, cy, nnf.k[b]!, nnf.x[b]!, nnf.y[b]! - step);
    const k = nnf.k[c]!;
    if (k >= 0) {
      const s = L.srcs[k]!;
      const bx = nnf.x[c]!, by = nnf.y[c]!;
      const maxY = job.axis === 'rows' ? Math.max(1, Math.round(job.maxShift / L.scale)) : s.h;
      for (let R = Math.max(s.w, s.h); R >= 1; R >>= 1) {
        const Ry = Math.min(R, maxY);
        tryCand(nnf, L, job, r, c, cx, cy, k, bx + randInt(rng, -R, R), by + randInt(rng, -Ry, Ry));
      }
    }
    if (L.srcs.length > 1 || k < 0) randomCand(nnf, L, job, r, c, cx, cy, rng);
  }
}
