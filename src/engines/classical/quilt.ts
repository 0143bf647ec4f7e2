/**
 * Strip quilting (Efros & Freeman 2001) of a band lying on the left of a view: blocks whose right
 * edge matches the known pixels next to the band are copied from the source library, cut against
 * the previous block with a minimum-error boundary, then shifted in colour so no step remains.
 */
import { minErrorCut } from './cut.js';
import { halve, integral, rectSum, type Plane } from './plane.js';
import type { Rng } from './rng.js';

/** A source image in view space with O(1) known-rectangle tests and a coarse copy for search. */
export interface QuiltSource {
  img: Plane;
  integ: Int32Array;
  coarse: Plane;
  /** First and last row holding any known pixel. */
  rowLo: number;
  rowHi: number;
}

/** The band to fill: columns [0,bw) of rows [r0,r1); `knownW` known columns lie right of it. */
export interface BandSpec {
  bw: number;
  r0: number;
  r1: number;
  knownW: number;
}

const MAX_COL_W = 128;
const TOP_K = 6;
/** Per-pixel-channel squared error charged per squared pixel of vertical shift: keeps horizons level. */
const SHIFT_W = 1.0;
/** Charged for copying a block overlapping one already used in this band: avoids visible repeats. */
const REUSE_W = 400;
const TOLERANCE = 0.15;

/** Coarse factor for the candidate search: coarser for wide bands, exact for tiny ones. */
export function quiltFactor(bw: number): number {
  return bw >= 32 ? 4 : bw >= 12 ? 2 : 1;
}

/** Builds the search structures for one view's source library. */
export function prepareQuiltSources(list: readonly { img: Plane; known: Uint8Array }[], f: number): QuiltSource[] {
  return list.map(({ img, known }) => {
    let coarse = img;
    for (let s = f; s > 1; s >>= 1) coarse = halve(coarse);
    const w = img.width;
    let rowLo = img.height, rowHi = -1;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < w; x++) if (known[y * w + x]) { rowLo = Math.min(rowLo, y); rowHi = y; break; }
    }
    return { img, integ: integral(known, w, img.height), coarse, rowLo, rowHi };
  });
}

interface Cand {
  k: number;
  sx: number;
  sy: number;
  cost: number;
}

interface Used {
  k: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Fills the band in `work` in place; `fixed` marks original pixels that must never change. */
export function quiltLeftBand(work: Plane, fixed: Uint8Array, band: BandSpec, sources: readonly QuiltSource[], f: number, rng: Rng): void {
  const W = work.width;
  const H = work.height;
  const { bw, r0, r1 } = band;
  if (bw <= 0 || r1 <= r0) return;
  const nc = Math.ceil(bw / MAX_COL_W);
  const colW = Math.ceil(bw / nc);
  const off = new Float64Array(H * 3);
  const cnt = new Float64Array(H);
  const used: Used[] = [];
  for (let col = 0; col < nc; col++) {
    const x1 = bw - col * colW;
    const tx0 = Math.max(0, x1 - colW);
    const cw = x1 - tx0;
    const ovR = Math.max(1, Math.min(Math.max(4, Math.round(cw / 2)), 32, col === 0 ? band.knownW : W - x1));
    const bh = Math.max(48, Math.min(160, Math.round(cw * 2.5)));
    const ovV = Math.max(4, Math.round(bh / 5));
    const geo = { tx0, x1, cw, ovR, ovV, bwid: cw + ovR };
    off.fill(0);
    cnt.fill(0);
    for (let ty = r0; ; ) {
      const h = Math.min(bh, r1 - ty);
      const hasTop = ty > r0;
      const pick = choose(work, sources, geo, ty, h, hasTop, f, used, rng);
      if (pick) {
        place(work, fixed, sources[pick.k]!.img, geo, pick, ty, h, hasTop, off, cnt);
        used.push({ k: pick.k, x: pick.sx, y: pick.sy, w: geo.bwid, h });
      } else reflect(work, fixed, tx0, x1, ty, h);
      if (ty + h >= r1) break;
      ty += h - ovV;
    }
    applyOffset(work, fixed, off, cnt, tx0, x1, r0, r1);
  }
}

interface Geo {
  tx0: number;
  x1: number;
  cw: number;
  ovR: number;
  ovV: number;
  bwid: number;
}

/** Coarse exhaustive search along nearby rows, exact refinement of the best few, random pick among near-best. */
function choose(work: Plane, sources: readonly QuiltSource[], g: Geo, ty: number, h: number, hasTop: boolean, f: number, used: readonly Used[], rng: Rng): Cand | null {
  const W = work.width;
  const wd = work.data;
  const bwC = Math.floor(g.bwid / f);
  const bhC = Math.floor(h / f);
  // Coarse target cells that are known (right overlap, and top overlap below a previous block).
  const cells: number[] = [];
  const tvals: number[] = [];
  const f2 = f * f;
  for (let j = 0; j < bhC; j++) {
    for (let i = 0; i < bwC; i++) {
      const inRight = i * f >= g.cw;
      const inTop = hasTop && (j + 1) * f <= g.ovV;
      if (!inRight && !inTop) continue;
      cells.push(i, j);
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let v = 0; v < f; v++) for (let u = 0; u < f; u++) s += wd[((ty + j * f + v) * W + g.tx0 + i * f + u) * 3 + c]!;
        tvals.push(s / f2);
      }
    }
  }
  const nCells = cells.length >> 1;
  const maxDy0 = Math.max(8, Math.min(32, Math.round(h / 4)));
  let top: Cand[] = [];
  for (let D = maxDy0; top.length === 0 && D < 4 * (work.height + h); D *= 2) {
    for (let k = 0; k < sources.length; k++) {
      const src = sources[k]!;
      const sW = src.img.width;
      const sH = src.img.height;
      const cW = src.coarse.width;
      const cd = src.coarse.data;
      const cxMax = Math.floor((sW - g.bwid) / f);
      // Rows outside the source's known rows (corners) look for the nearest rows that exist instead.
      const tyE = Math.max(src.rowLo, Math.min(src.rowHi + 1 - h, ty));
      const cyMin = Math.max(0, Math.ceil((tyE - D) / f));
      const cyMax = Math.min(Math.floor((sH - h) / f), Math.floor((tyE + D) / f));
      for (let cy = cyMin; cy <= cyMax; cy++) {
        const sy = cy * f;
        const dy = sy - tyE;
        const pen = SHIFT_W * dy * dy;
        for (let cx = 0; cx <= cxMax; cx++) {
          const sx = cx * f;
          if (rectSum(src.integ, sW, sx, sy, sx + g.bwid, sy + h) !== g.bwid * h) continue;
          let e = 0;
          for (let n = 0, t = 0; n < nCells; n++, t += 3) {
            const o = ((cy + cells[2 * n + 1]!) * cW + cx + cells[2 * n]!) * 3;
            const d0 = cd[o]! - tvals[t]!, d1 = cd[o + 1]! - tvals[t + 1]!, d2 = cd[o + 2]! - tvals[t + 2]!;
            e += d0 * d0 + d1 * d1 + d2 * d2;
          }
          const cost = e / (nCells * 3 || 1) + pen + reusePenalty(used, k, sx, sy, g.bwid, h);
          if (top.length < TOP_K || cost < top[top.length - 1]!.cost) insertTop(top, { k, sx, sy, cost });
        }
      }
    }
  }
  if (top.length === 0) return null;
  // Exact refinement at full resolution around each coarse winner.
  const half = f >> 1;
  const refined: Cand[] = [];
  for (const c of top) {
    const src = sources[c.k]!;
    let best: Cand | null = null;
    for (let oy = -half; oy <= half; oy++) {
      for (let ox = -half; ox <= half; ox++) {
        const sx = c.sx + ox;
        const sy = c.sy + oy;
        if (sx < 0 || sy < 0 || sx + g.bwid > src.img.width || sy + h > src.img.height) continue;
        if (rectSum(src.integ, src.img.width, sx, sy, sx + g.bwid, sy + h) !== g.bwid * h) continue;
        const dy = sy - Math.max(src.rowLo, Math.min(src.rowHi + 1 - h, ty));
        const cost = fullCost(work, src.img, g, sx, sy, ty, h, hasTop) + SHIFT_W * dy * dy + reusePenalty(used, c.k, sx, sy, g.bwid, h);
        if (!best || cost < best.cost) best = { k: c.k, sx, sy, cost };
      }
    }
    if (best) refined.push(best);
  }
  if (refined.length === 0) return null;
  let min = Infinity;
  for (const c of refined) min = Math.min(min, c.cost);
  const ok = refined.filter((c) => c.cost <= min * (1 + TOLERANCE) + 2);
  ok.sort((a, b) => a.cost - b.cost || a.k - b.k || a.sy - b.sy || a.sx - b.sx);
  return ok[Math.floor(rng() * ok.length)] ?? null;
}

function insertTop(top: Cand[], c: Cand): void {
  let i = top.length;
  while (i > 0 && top[i - 1]!.cost > c.cost) i--;
  top.splice(i, 0, c);
  if (top.length > TOP_K) top.pop();
}

function reusePenalty(used: readonly Used[], k: number, x: number, y: number, w: number, h: number): number {
  let p = 0;
  for (const u of used) {
    if (u.k !== k) continue;
    const ix = Math.min(x + w, u.x + u.w) - Math.max(x, u.x);
    const iy = Math.min(y + h, u.y + u.h) - Math.max(y, u.y);
    if (ix > 0 && iy > 0) p = Math.max(p, (ix * iy) / (w * h));
  }
  return REUSE_W * p;
}

/** Mean squared error per channel over the known overlaps of a block placed from (sx, sy). */
function fullCost(work: Plane, s: Plane, g: Geo, sx: number, sy: number, ty: number, h: number, hasTop: boolean): number {
  const W = work.width;
  const wd = work.data;
  const sd = s.data;
  const sW = s.width;
  let e = 0;
  let n = 0;
  for (let j = 0; j < h; j++) {
    const i0 = hasTop && j < g.ovV ? 0 : g.cw;
    let to = ((ty + j) * W + g.tx0 + i0) * 3;
    let so = ((sy + j) * sW + sx + i0) * 3;
    for (let i = i0; i < g.bwid; i++, to += 3, so += 3) {
      const d0 = sd[so]! - wd[to]!, d1 = sd[so + 1]! - wd[to + 1]!, d2 = sd[so + 2]! - wd[to + 2]!;
      e += d0 * d0 + d1 * d1 + d2 * d2;
    }
    n += g.bwid - i0;
  }
  return e / (n * 3 || 1);
}

function place(work: Plane, fixed: Uint8Array, s: Plane, g: Geo, c: Cand, ty: number, h: number, hasTop: boolean, off: Float64Array, cnt: Float64Array): void {
  const W = work.width;
  const wd = work.data;
  const sd = s.data;
  const sW = s.width;
  const sqErr = (x: number, y: number, u: number, v: number): number => {
    const a = (y * W + x) * 3;
    const b = (v * sW + u) * 3;
    const d0 = sd[b]! - wd[a]!, d1 = sd[b + 1]! - wd[a + 1]!, d2 = sd[b + 2]! - wd[a + 2]!;
    return d0 * d0 + d1 * d1 + d2 * d2;
  };
  let cutTop: Int32Array | null = null;
  if (hasTop) {
    const m = Math.min(g.ovV, h);
    const e = new Float32Array(g.bwid * m);
    for (let i = 0; i < g.bwid; i++) for (let j = 0; j < m; j++) e[i * m + j] = sqErr(g.tx0 + i, ty + j, c.sx + i, c.sy + j);
    cutTop = minErrorCut(e, g.bwid, m);
  }
  const eR = new Float32Array(h * g.ovR);
  for (let j = 0; j < h; j++) for (let q = 0; q < g.ovR; q++) eR[j * g.ovR + q] = sqErr(g.x1 + q, ty + j, c.sx + g.cw + q, c.sy + j);
  const cutRight = minErrorCut(eR, h, g.ovR);
  // Colour offset between what lies right of the band and what the block brought, per row.
  for (let j = 0; j < h; j++) {
    const y = ty + j;
    for (let q = 0; q < g.ovR; q++) {
      const a = (y * W + g.x1 + q) * 3;
      const b = ((c.sy + j) * sW + c.sx + g.cw + q) * 3;
      for (let ch = 0; ch < 3; ch++) off[y * 3 + ch]! += wd[a + ch]! - sd[b + ch]!;
      cnt[y]! += 1;
    }
  }
  for (let j = 0; j < h; j++) {
    const y = ty + j;
    for (let i = 0; i < g.bwid; i++) {
      if (cutTop && i < cutTop.length && j < cutTop[i]!) continue;
      if (i >= g.cw && i - g.cw >= cutRight[j]!) continue;
      const p = y * W + g.tx0 + i;
      if (fixed[p]) continue;
      const b = ((c.sy + j) * sW + c.sx + i) * 3;
      wd[p * 3] = sd[b]!;
      wd[p * 3 + 1] = sd[b + 1]!;
      wd[p * 3 + 2] = sd[b + 2]!;
    }
  }
}

/** Last resort when no source block fits: reflect what lies right of the strip. */
function reflect(work: Plane, fixed: Uint8Array, tx0: number, x1: number, ty: number, h: number): void {
  const W = work.width;
  const wd = work.data;
  for (let y = ty; y < ty + h; y++) {
    for (let x = tx0; x < x1; x++) {
      if (fixed[y * W + x]) continue;
      const xr = Math.min(W - 1, 2 * x1 - 1 - x);
      for (let c = 0; c < 3; c++) wd[(y * W + x) * 3 + c] = wd[(y * W + xr) * 3 + c]!;
    }
  }
}

/** Adds the row offsets, smoothed along the band so they never print as stripes. */
function applyOffset(work: Plane, fixed: Uint8Array, off: Float64Array, cnt: Float64Array, tx0: number, x1: number, r0: number, r1: number): void {
  const W = work.width;
  const wd = work.data;
  const sigma = 12;
  const R = 3 * sigma;
  const wts = new Float64Array(2 * R + 1);
  for (let g = -R; g <= R; g++) wts[g + R] = Math.exp((-g * g) / (2 * sigma * sigma));
  const sm = [0, 0, 0];
  for (let y = r0; y < r1; y++) {
    let ws = 0;
    sm[0] = sm[1] = sm[2] = 0;
    for (let g = Math.max(r0, y - R); g <= Math.min(r1 - 1, y + R); g++) {
      const w = wts[g - y + R]!;
      ws += w * cnt[g]!;
      for (let c = 0; c < 3; c++) sm[c]! += w * off[g * 3 + c]!;
    }
    if (ws <= 0) continue;
    const o0 = sm[0]! / ws, o1 = sm[1]! / ws, o2 = sm[2]! / ws;
    for (let x = tx0; x < x1; x++) {
      const p = y * W + x;
      if (fixed[p]) continue;
      const a = p * 3;
      wd[a] = clamp255(wd[a]! + o0);
      wd[a + 1] = clamp255(wd[a + 1]! + o1);
      wd[a + 2] = clamp255(wd[a + 2]! + o2);
    }
  }
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
