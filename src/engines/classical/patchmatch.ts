/**
 * PatchMatch (Barnes et al. 2009) nearest-neighbour fields with Wexler-style EM voting (Wexler,
 * Shechtman & Irani 2007) over a small pyramid, applied to one crop of a view. It only changes
 * `editable` pixels, but target patches also sit on the known seam zone so the fill is pulled
 * towards agreeing with what it touches. Self-contained so it can run inside a worker.
 */
import { halve, integral, rectSum, type Raster } from './raster.js';
import { mulberry32, randInt, type Rng } from './rng.js';

/** A source of patches: RGB pixels and which of them are genuine (known) content. */
export interface RefineSource {
  width: number;
  height: number;
  data: Uint8Array;
  known: Uint8Array;
}

/** One unit of refinement work; plain data so it can be posted to a worker. */
export interface RefineJob {
  width: number;
  height: number;
  image: Uint8Array;
  editable: Uint8Array;
  /** Crop origin in the sources' frame: a target at crop (x, y) prefers source rows near y + oy. */
  ox: number;
  oy: number;
  sources: RefineSource[];
  /** 'rows': search only rows within ±maxShift (bands along a side); 'none': anywhere. */
  axis: 'rows' | 'none';
  maxShift: number;
  levels: number;
  emIters: number;
  pmIters: number;
  patchR: number;
  seed: number;
}

/** Per-pixel-channel squared error charged per squared pixel of vertical shift (full resolution). */
const SHIFT_W = 1.0;

interface Src {
  w: number;
  h: number;
  d: Uint8Array;
  valid: Uint8Array;
  minRow: number;
  maxRow: number;
}

interface Level {
  w: number;
  h: number;
  scale: number;
  T: Float32Array;
  E: Uint8Array;
  centres: Int32Array;
  srcs: Src[];
}

/** Runs the EM refinement and returns the crop's new RGB bytes. `check` may throw to cancel. */
export function refine(job: RefineJob, check: () => void = () => {}): Uint8Array {
  const r = job.patchR;
  const pyr = buildPyramid(job, r);
  let nnf: Nnf | null = null;
  const rng = mulberry32(job.seed);
  for (let li = pyr.length - 1; li >= 0; li--) {
    const L = pyr[li]!;
    const prev = nnf;
    nnf = newNnf(L);
    if (prev) {
      upsampleNnf(prev, pyr[li + 1]!, nnf, L, job, r, rng);
      vote(L, nnf, r);
    } else initNnf(nnf, L, job, r, rng);
    for (let it = 0; it < job.emIters; it++) {
      const pm = li === pyr.length - 1 && it === 0 ? job.pmIters + 2 : job.pmIters;
      for (let k = 0; k < pm; k++) {
        check();
        patchMatchPass(nnf, L, job, r, rng, (k & 1) === 1);
      }
      vote(L, nnf, r);
    }
  }
  // EM's averaged votes blur; the last word goes to each pixel's single best-matching patch,
  // which keeps the source's own detail (the seam step it may leave is corrected afterwards).
  if (nnf) bestVote(pyr[0]!, nnf, r);
  const out = job.image.slice();
  const T = pyr[0]!.T;
  const E = pyr[0]!.E;
  for (let p = 0; p < job.width * job.height; p++) {
    if (!E[p]) continue;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.max(0, Math.min(255, Math.round(T[p * 3 + c]!)));
  }
  return out;
}

function buildPyramid(job: RefineJob, r: number): Level[] {
  let img: Raster = { width: job.width, height: job.height, ch: 3, data: job.image };
  let ed: Raster = { width: job.width, height: job.height, ch: 1, data: job.editable };
  let srcs = job.sources.map((s) => ({ img: { width: s.width, height: s.height, ch: 3, data: s.data } as Raster, known: { width: s.width, height: s.height, ch: 1, data: s.known } as Raster }));
  const out: Level[] = [];
  for (let l = 0; l < job.levels; l++) {
    if (l > 0) {
      if (Math.min(img.width, img.height) / 2 < 4 * r + 2) break;
      img = halve(img);
      ed = halve(ed, 'any');
      srcs = srcs.map((s) => ({ img: halve(s.img), known: halve(s.known, 'all') }));
    }
    const T = new Float32Array(img.data.length);
    for (let i = 0; i < T.length; i++) T[i] = img.data[i]!;
    out.push({ w: img.width, h: img.height, scale: 1 << l, T, E: ed.data, centres: targetCentres(ed, r), srcs: srcs.map((s) => validCentres(s.img, s.known, r)) });
  }
  return out;
}

/** Centres of all patches that touch an editable pixel and lie fully inside the crop. */
function targetCentres(ed: Raster, r: number): Int32Array {
  const { width: w, height: h } = ed;
  const s = integral(ed.data, w, h);
  const list: number[] = [];
  for (let y = r; y < h - r; y++) {
    for (let x = r; x < w - r; x++) if (rectSum(s, w, x - r, y - r, x + r + 1, y + r + 1) > 0) list.push(y * w + x);
  }
  return Int32Array.from(list);
}

function validCentres(img: Raster, known: Raster, r: number): Src {
  const { width: w, height: h } = img;
  const s = integral(known.data, w, h);
  const valid = new Uint8Array(w * h);
  const full = (2 * r + 1) * (2 * r + 1);
  let minRow = h, maxRow = -1;
  for (let y = r; y < h - r; y++) {
    for (let x = r; x < w - r; x++) {
      if (rectSum(s, w, x - r, y - r, x + r + 1, y + r + 1) === full) {
        valid[y * w + x] = 1;
        if (y < minRow) minRow = y;
        maxRow = y;
      }
    }
  }
  return { w, h, d: img.data, valid, minRow, maxRow };
}

interface Nnf {
  k: Int8Array;
  x: Int32Array;
  y: Int32Array;
  d: Float64Array;
}

function newNnf(L: Level): Nnf {
  const n = L.w * L.h;
  const nnf = { k: new Int8Array(n).fill(-1), x: new Int32Array(n), y: new Int32Array(n), d: new Float64Array(n).fill(Infinity) };
  return nnf;
}

/** Allowed source rows for a target row, clamped into the rows that have any valid patch. */
function rowWindow(job: RefineJob, L: Level, s: Src, y: number): [number, number] {
  if (job.axis === 'none') return [s.minRow, s.maxRow];
  const D = Math.max(1, Math.round(job.maxShift / L.scale));
  const c = effRow(job, L, s, y);
  return [Math.max(s.minRow, c - D), Math.min(s.maxRow, c + D)];
}

/** Target row in source terms; rows beyond the source's valid rows (corners) use the nearest valid ones. */
function effRow(job: RefineJob, L: Level, s: Src, y: number): number {
  const D = Math.max(1, Math.round(job.maxShift / L.scale));
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
  let pen = 0;
  if (job.axis === 'rows') {
    const [lo, hi] = rowWindow(job, L, s, cy);
    if (sy < lo || sy > hi) return;
    const dy = (sy - effRow(job, L, s, cy)) * L.scale;
    pen = SHIFT_W * dy * dy * (2 * r + 1) * (2 * r + 1) * 3;
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

function initNnf(nnf: Nnf, L: Level, job: RefineJob, r: number, rng: Rng): void {
  for (const c of L.centres) {
    const cx = c % L.w;
    const cy = (c - cx) / L.w;
    for (let t = 0; t < 12 && nnf.k[c]! < 0; t++) randomCand(nnf, L, job, r, c, cx, cy, rng);
  }
}

function upsampleNnf(prev: Nnf, P: Level, nnf: Nnf, L: Level, job: RefineJob, r: number, rng: Rng): void {
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

function patchMatchPass(nnf: Nnf, L: Level, job: RefineJob, r: number, rng: Rng, reverse: boolean): void {
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

/** Weighted vote of all overlapping patches into each editable pixel (Wexler et al.). */
/** Sets each editable pixel to the corresponding pixel of the lowest-distance patch covering it. */
function bestVote(L: Level, nnf: Nnf, r: number): void {
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

function vote(L: Level, nnf: Nnf, r: number): void {
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
