/**
 * Strip quilting (Efros & Freeman 2001) of a band lying on the left of a view: blocks whose right
 * edge matches the known pixels next to the band are copied from the source library, cut against
 * the previous block with a minimum-error boundary, then shifted in colour so no step remains.
 */
import { minErrorCut } from './cut.js';
import type { Rect } from '../../walk/geometry.js';
import { halve, integral, rectSum, type Raster } from './raster.js';
import { rectFromView, rectToView, type Side } from './view.js';
import type { Rng } from './rng.js';

/** A source image in view space with O(1) known-rectangle tests and a coarse copy for search. */
export interface QuiltSource {
  img: Raster;
  integ: Int32Array;
  coarse: Raster;
  /** First and last row holding any known pixel. */
  rowLo: number;
  rowHi: number;
  /** Summed-area tables, (w+1)×(h+1): RGB (interleaved) and detail (|Laplacian| of luma, 0 where not all known). */
  csum: Float64Array;
  dsum: Float64Array;
}

/** The band to fill: columns [0,bw) of rows [r0,r1); `knownW` known columns lie right of it. */
export interface BandSpec {
  bw: number;
  r0: number;
  r1: number;
  knownW: number;
  /**
   * Weight of the penalty on how far (across the band, as a fraction of the view's width) a block is
   * taken from where it goes: photos are about as plausible shifted sideways, not up or down, so
   * top and bottom bands should not fetch canopy for the ground or ground for the sky. 0 for left/right.
   */
  acrossW?: number;
}

/**
 * Widest column of blocks: a wider band is filled in several columns, each matched to the one
 * before it, and the cuts between columns showed as rows of scallops in bright, busy regions
 * (sky between branches) on tall frames; 256 keeps bands up to 256 px (1080×1920 zoom-outs) in
 * one column.
 */
const MAX_COL_W = 256;
const TOP_K = 6;
/** Per-pixel-channel squared error charged per squared pixel of vertical shift: keeps horizons level. */
const SHIFT_W = 1.0;
/** Charged for copying a block overlapping one already used (in any band of this fill): avoids visible repeats. */
const REUSE_W = 400;
const TOLERANCE = 0.15;

/** Coarse factor for the candidate search: coarser for wide bands, exact for tiny ones. */
export function quiltFactor(bw: number): number {
  return bw >= 32 ? 4 : bw >= 12 ? 2 : 1;
}

/** Builds the search structures for one view's source library. */
export function prepareQuiltSources(list: readonly { img: Raster; known: Uint8Array }[], f: number): QuiltSource[] {
  return list.map(({ img, known }) => {
    let coarse = img;
    for (let s = f; s > 1; s >>= 1) coarse = halve(coarse);
    const w = img.width;
    let rowLo = img.height, rowHi = -1;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < w; x++) if (known[y * w + x]) { rowLo = Math.min(rowLo, y); rowHi = y; break; }
    }
    const { csum, dsum } = statTables(img, known);
    return { img, integ: integral(known, w, img.height), coarse, rowLo, rowHi, csum, dsum };
  });
}

/**
 * Weights of the block statistics against the strip right of the band (what lies nearest predicts
 * what lies beyond): squared mean-colour difference per channel, and squared log ratio of detail
 * (so a smooth block is not put next to foliage, nor a busy one into a plain sky).
 */
const COLOUR_W = 1;
const DETAIL_W = 200;
/** Width of that strip (px). */
const STAT_STRIP = 16;

function luma(d: Uint8Array, p: number): number {
  return 0.299 * d[p * 3]! + 0.587 * d[p * 3 + 1]! + 0.114 * d[p * 3 + 2]!;
}

/** Per-pixel detail: |4-neighbour Laplacian of luma| where the pixel and its neighbours are known. */
function detailAt(d: Uint8Array, known: Uint8Array | null, w: number, h: number, x: number, y: number): number {
  if (x < 1 || y < 1 || x >= w - 1 || y >= h - 1) return 0;
  const p = y * w + x;
  if (known && !(known[p] && known[p - 1] && known[p + 1] && known[p - w] && known[p + w])) return 0;
  return Math.abs(4 * luma(d, p) - luma(d, p - 1) - luma(d, p + 1) - luma(d, p - w) - luma(d, p + w));
}

function statTables(img: Raster, known: Uint8Array): { csum: Float64Array; dsum: Float64Array } {
  const { width: w, height: h, data: d } = img;
  const W1 = w + 1;
  const csum = new Float64Array(W1 * (h + 1) * 3);
  const dsum = new Float64Array(W1 * (h + 1));
  const row = [0, 0, 0];
  for (let y = 0; y < h; y++) {
    row[0] = row[1] = row[2] = 0;
    let rd = 0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const o = ((y + 1) * W1 + x + 1);
      const u = (y * W1 + x + 1);
      for (let c = 0; c < 3; c++) {
        row[c]! += d[p * 3 + c]!;
        csum[o * 3 + c] = csum[u * 3 + c]! + row[c]!;
      }
      rd += detailAt(d, known, w, h, x, y);
      dsum[o] = dsum[u]! + rd;
    }
  }
  return { csum, dsum };
}

function boxMean(t: Float64Array, w: number, x0: number, y0: number, x1: number, y1: number, ch: number, c: number): number {
  const W1 = w + 1;
  const v = t[(y1 * W1 + x1) * ch + c]! - t[(y0 * W1 + x1) * ch + c]! - t[(y1 * W1 + x0) * ch + c]! + t[(y0 * W1 + x0) * ch + c]!;
  return v / ((x1 - x0) * (y1 - y0));
}

/** Mean colour and detail of the pixels right of a block's place: what the block's new part should resemble. */
interface StripStats {
  mean: [number, number, number];
  detail: number;
}

function stripStats(work: Raster, x1: number, ty: number, h: number): StripStats | null {
  const W = work.width;
  const xa = Math.min(W - 1, x1 + 1);
  const xb = Math.min(W - 1, x1 + 1 + STAT_STRIP);
  if (xb <= xa) return null;
  const sum = [0, 0, 0];
  let det = 0;
  let n = 0;
  for (let y = ty; y < ty + h; y++) {
    for (let x = xa; x < xb; x++) {
      const p = y * W + x;
      for (let c = 0; c < 3; c++) sum[c]! += work.data[p * 3 + c]!;
      det += detailAt(work.data, null, W, work.height, x, y);
      n++;
    }
  }
  return { mean: [sum[0]! / n, sum[1]! / n, sum[2]! / n], detail: det / n };
}

/** How far a block's new part (sx..sx+cw) is from the strip's statistics, in the cost's units. */
function statPenalty(src: QuiltSource, st: StripStats | null, sx: number, sy: number, cw: number, h: number): number {
  if (!st) return 0;
  const w = src.img.width;
  let e = 0;
  for (let c = 0; c < 3; c++) {
    const dm = boxMean(src.csum, w, sx, sy, sx + cw, sy + h, 3, c) - st.mean[c]!;
    e += dm * dm;
  }
  const dd = Math.log((boxMean(src.dsum, w, sx, sy, sx + cw, sy + h, 1, 0) + 4) / (st.detail + 4));
  return (COLOUR_W * e) / 3 + DETAIL_W * dd * dd;
}

interface Cand {
  k: number;
  sx: number;
  sy: number;
  cost: number;
}

/**
 * Regions already copied in this fill, across all its bands, in each library entry's own (unrotated)
 * coordinates, so the left and right bands of a ring, or a block and its mirror image, are not the
 * same pixels twice. `twin[k]` is the entry holding entry k's mirror image (-1: none).
 */
export interface UsedRegistry {
  rects: { k: number; rect: Rect }[];
  twin: number[];
}

/** How a band's view maps to the library entries' own coordinates. */
export interface ViewMap {
  side: Side;
  /** Unrotated size of each library entry. */
  sizes: { width: number; height: number }[];
}

interface Used {
  k: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Fills the band in `work` in place; `fixed` marks original pixels that must never change. */
export function quiltLeftBand(work: Raster, fixed: Uint8Array, band: BandSpec, sources: readonly QuiltSource[], f: number, rng: Rng, registry?: UsedRegistry, map?: ViewMap): void {
  const W = work.width;
  const H = work.height;
  const { bw, r0, r1 } = band;
  if (bw <= 0 || r1 <= r0) return;
  const nc = Math.ceil(bw / MAX_COL_W);
  const colW = Math.ceil(bw / nc);
  const off = new Float64Array(H * 3);
  const cnt = new Float64Array(H);
  const used: Used[] = [];
  // Earlier bands' copies (and their mirror twins), seen from this view.
  if (registry && map) {
    for (const { k, rect } of registry.rects) {
      const sz = map.sizes[k];
      if (!sz) continue;
      for (const kk of [k, registry.twin[k] ?? -1]) {
        if (kk < 0) continue;
        const b = kk === k ? rect : { x0: sz.width - rect.x1, y0: rect.y0, x1: sz.width - rect.x0, y1: rect.y1 };
        const v = rectToView(map.side, sz.width, sz.height, b);
        used.push({ k: kk, x: v.x0, y: v.y0, w: v.x1 - v.x0, h: v.y1 - v.y0 });
      }
    }
  }
  markAdjacent(used, band, Math.min(W - bw, colW), registry, map);
  for (let col = 0; col < nc; col++) {
    const x1 = bw - col * colW;
    const tx0 = Math.max(0, x1 - colW);
    const cw = x1 - tx0;
    const ovR = Math.max(1, Math.min(Math.max(4, Math.round(cw / 2)), 32, col === 0 ? band.knownW : W - x1));
    const bh = Math.max(48, Math.min(160, Math.round(cw * 2.5)));
    const ovV = Math.max(4, Math.round(bh / 5));
    const geo = { tx0, x1, cw, ovR, ovV, bwid: cw + ovR, acrossW: (band.acrossW ?? 0) / (W * W) };
    off.fill(0);
    cnt.fill(0);
    for (let ty = r0; ; ) {
      const h = Math.min(bh, r1 - ty);
      const hasTop = ty > r0;
      const pick = choose(work, sources, geo, ty, h, hasTop, f, used, rng);
      if (pick) {
        place(work, fixed, sources[pick.k]!.img, geo, pick, ty, h, hasTop, off, cnt);
        markUsed(used, pick.k, { x0: pick.sx, y0: pick.sy, x1: pick.sx + geo.bwid, y1: pick.sy + h }, registry, map);
        if (registry && map?.sizes[pick.k]) {
          const sz = map.sizes[pick.k]!;
          registry.rects.push({ k: pick.k, rect: rectFromView(map.side, sz.width, sz.height, { x0: pick.sx, y0: pick.sy, x1: pick.sx + geo.bwid, y1: pick.sy + h }) });
        }
      } else reflect(work, fixed, tx0, x1, ty, h);
      if (ty + h >= r1) break;
      ty += h - ovV;
    }
    applyOffset(work, fixed, off, cnt, tx0, x1, r0, r1);
  }
}

/**
 * Charges the known pixels right next to the band (and, through the registry's twin, their mirror
 * image) as if already copied: they are on screen beside the band, so copying them there again, or
 * their reflection across the seam, shows as a visible repeat, and over chained zoom-outs as a row
 * of the same feature.
 */
function markAdjacent(used: Used[], band: BandSpec, width: number, registry?: UsedRegistry, map?: ViewMap): void {
  if (width > 0) markUsed(used, 0, { x0: band.bw, y0: band.r0, x1: band.bw + width, y1: band.r1 }, registry, map);
}

/** Charges region `rect` (view coordinates) of library entry k, and its mirror image in k's twin entry. */
function markUsed(used: Used[], k: number, rect: Rect, registry?: UsedRegistry, map?: ViewMap): void {
  used.push({ k, x: rect.x0, y: rect.y0, w: rect.x1 - rect.x0, h: rect.y1 - rect.y0 });
  const tw = registry?.twin[k] ?? -1;
  const sz = map?.sizes[k];
  if (tw < 0 || !sz || !map) return;
  const o = rectFromView(map.side, sz.width, sz.height, rect);
  const v = rectToView(map.side, sz.width, sz.height, { x0: sz.width - o.x1, y0: o.y0, x1: sz.width - o.x0, y1: o.y1 });
  used.push({ k: tw, x: v.x0, y: v.y0, w: v.x1 - v.x0, h: v.y1 - v.y0 });
}

interface Geo {
  tx0: number;
  x1: number;
  cw: number;
  ovR: number;
  ovV: number;
  bwid: number;
  /** Across-band penalty per squared pixel of |sx − tx0|. */
  acrossW: number;
}

/** Coarse exhaustive search along nearby rows, exact refinement of the best few, random pick among near-best. */
function choose(work: Raster, sources: readonly QuiltSource[], g: Geo, ty: number, h: number, hasTop: boolean, f: number, used: readonly Used[], rng: Rng): Cand | null {
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
  const st = stripStats(work, g.x1, ty, h);
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
          const ax = sx - g.tx0;
          if (rectSum(src.integ, sW, sx, sy, sx + g.bwid, sy + h) !== g.bwid * h) continue;
          let e = 0;
          for (let n = 0, t = 0; n < nCells; n++, t += 3) {
            const o = ((cy + cells[2 * n + 1]!) * cW + cx + cells[2 * n]!) * 3;
            const d0 = cd[o]! - tvals[t]!, d1 = cd[o + 1]! - tvals[t + 1]!, d2 = cd[o + 2]! - tvals[t + 2]!;
            e += d0 * d0 + d1 * d1 + d2 * d2;
          }
          const cost = e / (nCells * 3 || 1) + pen + g.acrossW * ax * ax + reusePenalty(used, k, sx, sy, g.bwid, h) + statPenalty(src, st, sx, sy, g.cw, h);
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
        const cost = fullCost(work, src.img, g, sx, sy, ty, h, hasTop) + SHIFT_W * dy * dy + g.acrossW * (sx - g.tx0) ** 2 + reusePenalty(used, c.k, sx, sy, g.bwid, h) + statPenalty(src, st, sx, sy, g.cw, h);
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
function fullCost(work: Raster, s: Raster, g: Geo, sx: number, sy: number, ty: number, h: number, hasTop: boolean): number {
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

function place(work: Raster, fixed: Uint8Array, s: Raster, g: Geo, c: Cand, ty: number, h: number, hasTop: boolean, off: Float64Array, cnt: Float64Array): void {
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
function reflect(work: Raster, fixed: Uint8Array, tx0: number, x1: number, ty: number, h: number): void {
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
function applyOffset(work: Raster, fixed: Uint8Array, off: Float64Array, cnt: Float64Array, tx0: number, x1: number, r0: number, r1: number): void {
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
