/**
 * Placing a chosen block: minimum-error cuts against the block above and the known pixels right of
 * it, per-row colour offsets smoothed along the band, and a reflection when no block fits.
 */
import { minErrorCut } from './cut.js';
import type { Raster } from './raster.js';
import type { Cand, Geo } from './quilt-search.js';
import type { SourceMap } from './source-map.js';

/** Copies block `c` into the band inside its cuts (noting each pixel's source in `map`), adds its per-row colour offset into off/cnt, and returns the top cut (row per column; null without one). */
export function place(work: Raster, fixed: Uint8Array, s: Raster, g: Geo, c: Cand, ty: number, h: number, hasTop: boolean, off: Float64Array, cnt: Float64Array, map?: SourceMap): Int32Array | null {
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
      if (map && g.tx0 + i < map.w) {
        const m = y * map.w + g.tx0 + i;
        map.k[m] = c.k;
        map.x[m] = c.sx + i;
        map.y[m] = c.sy + j;
      }
    }
  }
  return cutTop;
}

/** Last resort when no source block fits: reflect what lies right of the strip (no source in `map`). */
export function reflect(work: Raster, fixed: Uint8Array, tx0: number, x1: number, ty: number, h: number, map?: SourceMap): void {
  const W = work.width;
  const wd = work.data;
  for (let y = ty; y < ty + h; y++) {
    for (let x = tx0; x < x1; x++) {
      if (fixed[y * W + x]) continue;
      const xr = Math.min(W - 1, 2 * x1 - 1 - x);
      if (map && x < map.w) map.k[y * map.w + x] = -1;
      for (let c = 0; c < 3; c++) wd[(y * W + x) * 3 + c] = wd[(y * W + xr) * 3 + c]!;
    }
  }
}

/** Adds the row offsets, smoothed along the band so they never print as stripes. */
export function applyOffset(work: Raster, fixed: Uint8Array, off: Float64Array, cnt: Float64Array, tx0: number, x1: number, r0: number, r1: number): void {
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
