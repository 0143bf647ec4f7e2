/**
 * The block search of strip quilting: a coarse exhaustive search along nearby rows, an exact
 * refinement of the best few at full resolution, and a seeded pick among the near-best.
 */
import { rectSum, type Raster } from './raster.js';
import type { Rng } from './rng.js';
import { genPenalty, statPenalty, stripStats, type QuiltSource } from './quilt-sources.js';
import { reusePenalty, type Used } from './quilt-reuse.js';

/** How many coarse winners get the exact full-resolution search. */
const TOP_K = 6;
/** Per-pixel-channel squared error charged per squared pixel of vertical shift: keeps horizons level. */
const SHIFT_W = 1.0;
/** Blocks within this fraction of the best cost are drawn from at random. */
const TOLERANCE = 0.15;

/** A candidate block: library entry k at (sx, sy), and what it costs. */
export interface Cand {
  k: number;
  sx: number;
  sy: number;
  cost: number;
}

/** Where a block goes in the band's column, and the sizes of its overlaps. */
export interface Geo {
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
export function choose(work: Raster, sources: readonly QuiltSource[], g: Geo, ty: number, h: number, hasTop: boolean, f: number, used: readonly Used[], rng: Rng): Cand | null {
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
  const n3 = nCells * 3 || 1;
  const st = stripStats(work, g.x1, ty, h);
  const maxDy0 = Math.max(8, Math.min(32, Math.round(h / 4)));
  const top: Cand[] = [];
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
          const across = g.acrossW * ax * ax;
          const reuse = reusePenalty(used, k, sx, sy, g.bwid, h);
          const stat = statPenalty(src, st, sx, sy, g.cw, h);
          const gen = genPenalty(src, sx, sy, g.cw, h);
          // Once the top K is full, a candidate whose partial error already exceeds the K-th cost
          // cannot enter it: stop summing (the bound carries a margin far above rounding, so the
          // candidates kept, and their costs, are exactly those of the full sum).
          const full = top.length >= TOP_K;
          const eLimit = full ? (top[TOP_K - 1]!.cost * (1 + 1e-9) + 1e-9 - (pen + across + reuse + stat + gen)) * n3 : Infinity;
          if (eLimit < 0) continue;
          let e = 0;
          for (let n = 0, t = 0; n < nCells; n++, t += 3) {
            const o = ((cy + cells[2 * n + 1]!) * cW + cx + cells[2 * n]!) * 3;
            const d0 = cd[o]! - tvals[t]!, d1 = cd[o + 1]! - tvals[t + 1]!, d2 = cd[o + 2]! - tvals[t + 2]!;
            e += d0 * d0 + d1 * d1 + d2 * d2;
            if ((n & 7) === 7 && e > eLimit) break;
          }
          if (e > eLimit) continue;
          const cost = e / n3 + pen + across + reuse + stat + gen;
          if (!full || cost < top[TOP_K - 1]!.cost) insertTop(top, { k, sx, sy, cost });
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
        const shift = SHIFT_W * dy * dy;
        const across = g.acrossW * (sx - g.tx0) ** 2;
        const reuse = reusePenalty(used, c.k, sx, sy, g.bwid, h);
        const stat = statPenalty(src, st, sx, sy, g.cw, h);
        const gen = genPenalty(src, sx, sy, g.cw, h);
        // As in the coarse search: a margin far above rounding, so only candidates that lose are cut short.
        const limit = best ? best.cost * (1 + 1e-9) + 1e-9 - (shift + across + reuse + stat + gen) : Infinity;
        const e = fullCost(work, src.img, g, sx, sy, ty, h, hasTop, limit);
        if (e > limit) continue;
        const cost = e + shift + across + reuse + stat + gen;
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

/** Mean squared error per channel over the known overlaps of a block placed from (sx, sy); Infinity once it must exceed `limit`. */
function fullCost(work: Raster, s: Raster, g: Geo, sx: number, sy: number, ty: number, h: number, hasTop: boolean, limit: number): number {
  const W = work.width;
  const wd = work.data;
  const sd = s.data;
  const sW = s.width;
  let all = 0;
  for (let j = 0; j < h; j++) all += g.bwid - (hasTop && j < g.ovV ? 0 : g.cw);
  const eLimit = limit * (all * 3 || 1);
  if (eLimit < 0) return Infinity;
  let e = 0;
  let n = 0;
  for (let j = 0; j < h; j++) {
    if (e > eLimit) return Infinity;
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
