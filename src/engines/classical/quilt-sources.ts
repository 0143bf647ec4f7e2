/**
 * The source library as strip quilting searches it: each entry's coarse copy, its known-pixel table
 * for O(1) "is this block all known" tests, and colour/detail tables that compare a block with the
 * strip of known pixels next to the band.
 */
import { halve, integral, type Raster } from './raster.js';
import { WindowTables } from './quilt-tables.js';

/** A source image in view space with O(1) known-rectangle tests and a coarse copy for search. */
export interface QuiltSource {
  img: Raster;
  integ: Int32Array;
  coarse: Raster;
  /** First and last row holding any known pixel. */
  rowLo: number;
  rowHi: number;
  /** Colour, detail and generated-pixel sums, a window of rows at a time (quilt-tables.ts). */
  tables: WindowTables;
}

/**
 * Charged for a block made wholly of pixels earlier steps generated (pro rata for part of one):
 * copying them again is how a feature repeats inward step after step, so the photo's own pixels
 * are preferred. In the same units as the reuse charge (REUSE_W 400 for a block already copied).
 */
const GEN_W = 250;

/** The charge for a w×h block at (x, y) of a source for holding generated pixels. */
export function genPenalty(src: QuiltSource, x: number, y: number, w: number, h: number): number {
  const t = src.tables;
  const g = t.gsum;
  if (!g) return 0;
  t.ensure(y, y + h);
  const a = t.at(y), b = t.at(y + h);
  return (GEN_W * (g[b + x + w]! - g[a + x + w]! - g[b + x]! + g[a + x]!)) / (w * h);
}

/** Coarse factor for the candidate search: coarser for wide bands, exact for tiny ones. */
export function quiltFactor(bw: number): number {
  return bw >= 32 ? 4 : bw >= 12 ? 2 : 1;
}

/**
 * Reused tables: the sides of a fill are quilted one after another and their views have the same
 * number of pixels, so one set of tables serves all four instead of new ones per source and side
 * waiting for the garbage collector.
 */
export type QuiltScratch = Map<string, Int32Array | Float64Array>;

function take<T extends Int32Array | Float64Array>(scratch: QuiltScratch | undefined, key: string, make: (n: number) => T, n: number): T {
  const have = scratch?.get(key);
  if (have && have.length === n && have.constructor === make(0).constructor) return have.fill(0) as T;
  const out = make(n);
  scratch?.set(key, out);
  return out;
}

/** True when two planes hold the same bytes (the same plane, or equal copies). */
function samePlane(a: Uint8Array, b: Uint8Array): boolean {
  return a === b || (a.length === b.length && Buffer.compare(a, b) === 0);
}

/** Builds the search structures for one view's source library (reusing `scratch`'s tables when given). */
export function prepareQuiltSources(list: readonly { img: Raster; known: Uint8Array; gen?: Uint8Array }[], f: number, scratch?: QuiltScratch): QuiltSource[] {
  const integs: Int32Array[] = [];
  return list.map(({ img, known, gen }, k) => {
    let coarse = img;
    for (let s = f; s > 1; s >>= 1) coarse = halve(coarse);
    const w = img.width;
    const h = img.height;
    let rowLo = h, rowHi = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) if (known[y * w + x]) { rowLo = Math.min(rowLo, y); rowHi = y; break; }
    }
    // Sources with the same known pixels (the history keyframes; the photo and its mirror on a
    // centred ring) share one known-pixel table: the same values.
    const twin = list.findIndex((o, j) => j < k && o.img.width === w && o.img.height === h && samePlane(o.known, known));
    const integ = twin >= 0 ? integs[twin]! : integral(known, w, h, take(scratch, `i${k}`, (n) => new Int32Array(n), (w + 1) * (h + 1)));
    integs.push(integ);
    const tables = new WindowTables(img, known, gen?.some((v) => v !== 0) ? gen : null, (key, make, n) => take(scratch, `${key}${k}`, make, n));
    return { img, integ, coarse, rowLo, rowHi, tables };
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

/** Mean of channel c of a windowed summed-area table (`ch` channels) over a box of rows y0..y1. */
function boxMean(t: Float64Array | Int32Array, tables: WindowTables, x0: number, y0: number, x1: number, y1: number, ch: number, c: number): number {
  const r0 = tables.at(y0), r1 = tables.at(y1);
  const v = t[(r1 + x1) * ch + c]! - t[(r0 + x1) * ch + c]! - t[(r1 + x0) * ch + c]! + t[(r0 + x0) * ch + c]!;
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
  const t = src.tables;
  t.ensure(sy, sy + h);
  let e = 0;
  for (let c = 0; c < 3; c++) {
    const dm = boxMean(t.csum, t, sx, sy, sx + cw, sy + h, 3, c) - st.mean[c]!;
    e += dm * dm;
  }
  const dd = Math.log((boxMean(t.dsum, t, sx, sy, sx + cw, sy + h, 1, 0) + 4) / (st.detail + 4));
  return (COLOUR_W * e) / 3 + DETAIL_W * dd * dd;
}
