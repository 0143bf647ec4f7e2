/**
 * The source library as strip quilting searches it: each entry's coarse copy, its known-pixel table
 * for O(1) "is this block all known" tests, and colour/detail tables that compare a block with the
 * strip of known pixels next to the band.
 */
import { halve, integral, rectSum, type Raster } from './raster.js';

/** A source image in view space with O(1) known-rectangle tests and a coarse copy for search. */
export interface QuiltSource {
  img: Raster;
  integ: Int32Array;
  coarse: Raster;
  /** First and last row holding any known pixel. */
  rowLo: number;
  rowHi: number;
  /** Summed-area tables, (w+1)×(h+1): RGB (interleaved) and detail (|Laplacian| of luma, 0 where not all known). */
  csum: Float64Array | Int32Array;
  dsum: Float64Array;
  /** Summed-area table of the generated plane (pixels earlier steps made), or null when none is. */
  gsum: Int32Array | null;
}

/**
 * Charged for a block made wholly of pixels earlier steps generated (pro rata for part of one):
 * copying them again is how a feature repeats inward step after step, so the photo's own pixels
 * are preferred. In the same units as the reuse charge (REUSE_W 400 for a block already copied).
 */
const GEN_W = 250;

/** The charge for a w×h block at (x, y) of a source for holding generated pixels. */
export function genPenalty(src: QuiltSource, x: number, y: number, w: number, h: number): number {
  return src.gsum ? (GEN_W * rectSum(src.gsum, src.img.width, x, y, x + w, y + h)) / (w * h) : 0;
}

/** Coarse factor for the candidate search: coarser for wide bands, exact for tiny ones. */
export function quiltFactor(bw: number): number {
  return bw >= 32 ? 4 : bw >= 12 ? 2 : 1;
}

/**
 * Reused tables: the sides of a fill are quilted one after another and their views have the same
 * number of pixels, so one set of tables serves all four instead of a new ~60 MB per source and side
 * (1080×1920) waiting for the garbage collector.
 */
export type QuiltScratch = Map<string, Int32Array | Float64Array>;

function take<T extends Int32Array | Float64Array>(scratch: QuiltScratch | undefined, key: string, make: (n: number) => T, n: number): T {
  const have = scratch?.get(key);
  if (have && have.length === n && have.constructor === make(0).constructor) return have.fill(0) as T;
  const out = make(n);
  scratch?.set(key, out);
  return out;
}

/** Builds the search structures for one view's source library (reusing `scratch`'s tables when given). */
export function prepareQuiltSources(list: readonly { img: Raster; known: Uint8Array; gen?: Uint8Array }[], f: number, scratch?: QuiltScratch): QuiltSource[] {
  return list.map(({ img, known, gen }, k) => {
    let coarse = img;
    for (let s = f; s > 1; s >>= 1) coarse = halve(coarse);
    const w = img.width;
    const h = img.height;
    let rowLo = h, rowHi = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) if (known[y * w + x]) { rowLo = Math.min(rowLo, y); rowHi = y; break; }
    }
    const n1 = (w + 1) * (h + 1);
    const int32 = (n: number): Int32Array => new Int32Array(n);
    const f64 = (n: number): Float64Array => new Float64Array(n);
    const csum = w * h * 255 < 2 ** 31 ? take(scratch, `c${k}`, int32, n1 * 3) : take(scratch, `c${k}`, f64, n1 * 3);
    const dsum = take(scratch, `d${k}`, f64, n1);
    statTables(img, known, csum, dsum, take(scratch, 'lum', f64, w * h));
    const gsum = gen?.some((v) => v !== 0) ? integral(gen, w, h, take(scratch, `g${k}`, int32, n1)) : null;
    return { img, integ: integral(known, w, h, take(scratch, `i${k}`, int32, n1)), coarse, rowLo, rowHi, csum, dsum, gsum };
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

/** Luma of pixel p of an RGB buffer. */
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

/**
 * Fills the summed-area tables of a source's colour and detail (all zero on entry). The colour
 * sums are integers, held in an Int32Array when they fit (half the memory of Float64 at the same
 * values); luma is computed once per pixel instead of five times.
 */
function statTables(img: Raster, known: Uint8Array, csum: Int32Array | Float64Array, dsum: Float64Array, lum: Float64Array): void {
  const { width: w, height: h, data: d } = img;
  const W1 = w + 1;
  for (let p = 0; p < w * h; p++) lum[p] = luma(d, p);
  for (let y = 0; y < h; y++) {
    let r0 = 0, r1 = 0, r2 = 0;
    let rd = 0;
    const inner = y >= 1 && y < h - 1;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const o = ((y + 1) * W1 + x + 1);
      const u = (y * W1 + x + 1);
      r0 += d[p * 3]!;
      r1 += d[p * 3 + 1]!;
      r2 += d[p * 3 + 2]!;
      csum[o * 3] = csum[u * 3]! + r0;
      csum[o * 3 + 1] = csum[u * 3 + 1]! + r1;
      csum[o * 3 + 2] = csum[u * 3 + 2]! + r2;
      // detailAt's value, from the luma plane (same expression, same bits).
      if (inner && x >= 1 && x < w - 1 && known[p] && known[p - 1] && known[p + 1] && known[p - w] && known[p + w]) {
        rd += Math.abs(4 * lum[p]! - lum[p - 1]! - lum[p + 1]! - lum[p - w]! - lum[p + w]!);
      }
      dsum[o] = dsum[u]! + rd;
    }
  }
}

/** Mean of one channel of a summed-area table over a box. */
function boxMean(t: Float64Array | Int32Array, w: number, x0: number, y0: number, x1: number, y1: number, ch: number, c: number): number {
  const W1 = w + 1;
  const v = t[(y1 * W1 + x1) * ch + c]! - t[(y0 * W1 + x1) * ch + c]! - t[(y1 * W1 + x0) * ch + c]! + t[(y0 * W1 + x0) * ch + c]!;
  return v / ((x1 - x0) * (y1 - y0));
}

/** Mean colour and detail of the pixels right of a block's place: what the block's new part should resemble. */
export interface StripStats {
  mean: [number, number, number];
  detail: number;
}

/** The StripStats of the STAT_STRIP columns right of x1 over rows ty..ty+h; null at the view's edge. */
export function stripStats(work: Raster, x1: number, ty: number, h: number): StripStats | null {
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
export function statPenalty(src: QuiltSource, st: StripStats | null, sx: number, sy: number, cw: number, h: number): number {
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
