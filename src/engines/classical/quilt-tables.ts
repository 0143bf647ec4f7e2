/**
 * The colour, detail and generated-pixel summed-area tables of one quilting source, kept as a
 * window of rows instead of whole tables. The block search asks for rows near the block it places,
 * moving down the band, so a few hundred rows serve it; the whole tables took ≈ 50 MB per source at
 * 1080×1920 (four sources a side). Rows are made by the same recurrence, in the same order, as a
 * whole table (table row y+1 = row y + running sums of pixel row y), so every value has the same
 * bits; a row before the window is remade from the nearest checkpoint row at or above it.
 */
import type { Raster } from './raster.js';

/** Table rows kept (a power of two): a block's rows (≤ 161) and the search's reach either side (±32 rows, ±64 when it widens). */
const WINDOW_ROWS = 256;
/** A whole table row is kept every this many rows, to restart from. */
const CHECKPOINT_EVERY = 64;

type Sums = Int32Array | Float64Array;

/** Luma of pixel p of an RGB buffer (the expression, and so the bits, the tables always used). */
function luma(d: Uint8Array, p: number): number {
  return 0.299 * d[p * 3]! + 0.587 * d[p * 3 + 1]! + 0.114 * d[p * 3 + 2]!;
}

/**
 * Rows [lo, hi) of a source's (w+1)×(h+1) tables: `csum` RGB (interleaved), `dsum` detail (|Laplacian|
 * of luma where the pixel and its 4 neighbours are known), `gsum` generated pixels (or null). Table
 * row t lives at ring row t & (rows − 1); read a value with `at(t)` + column offset after `ensure`.
 */
export class WindowTables {
  readonly csum: Sums;
  readonly dsum: Float64Array;
  readonly gsum: Int32Array | null;
  private readonly w1: number;
  private readonly h: number;
  private readonly mask: number;
  private lo = 0;
  private hi = 1;
  /** Checkpoint rows: [csum, dsum, gsum] of table row k·CHECKPOINT_EVERY. */
  private readonly checkpoints: [Sums, Float64Array, Int32Array | null][] = [];
  /** Luma of pixel rows y−1, y, y+1 for the detail of row y (rolling; lumRow says which rows they hold). */
  private readonly lum: Float64Array;
  private lumRow = -10;

  constructor(
    private readonly img: Raster,
    private readonly known: Uint8Array,
    private readonly gen: Uint8Array | null,
    alloc: (key: string, make: (n: number) => Sums, n: number) => Sums,
  ) {
    const { width: w, height: h } = img;
    this.w1 = w + 1;
    this.h = h;
    let rows = 1;
    while (rows < Math.min(WINDOW_ROWS, h + 1)) rows *= 2;
    this.mask = rows - 1;
    const n = rows * this.w1;
    // Colour sums are integers: an Int32Array holds them exactly while they fit.
    this.csum = w * h * 255 < 2 ** 31 ? alloc('c', (k) => new Int32Array(k), n * 3) : alloc('c', (k) => new Float64Array(k), n * 3);
    this.dsum = alloc('d', (k) => new Float64Array(k), n) as Float64Array;
    this.gsum = gen ? (alloc('g', (k) => new Int32Array(k), n) as Int32Array) : null;
    this.lum = new Float64Array(3 * w);
    // Table row 0 is all zeros (alloc hands out zeroed arrays).
    this.keepCheckpoint(0);
  }

  /** Offset of table row t in the ring (in table entries; × 3 for csum). */
  at(t: number): number {
    return (t & this.mask) * this.w1;
  }

  /** Makes table rows t0..t1 (inclusive, t1 − t0 < the window) readable. */
  ensure(t0: number, t1: number): void {
    if (t0 >= this.lo && t1 < this.hi) return;
    if (t0 < this.lo || t0 >= this.hi + this.mask) {
      // Restart at the checkpoint at or above t0 (rows past the last one made are reached from it).
      const k = Math.min(Math.floor(t0 / CHECKPOINT_EVERY), this.checkpoints.length - 1);
      this.restore(k);
    }
    while (this.hi <= t1) this.nextRow();
  }

  private restore(k: number): void {
    const t = k * CHECKPOINT_EVERY;
    const [c, d, g] = this.checkpoints[k]!;
    const o = this.at(t);
    this.csum.set(c, o * 3);
    this.dsum.set(d, o);
    if (this.gsum && g) this.gsum.set(g, o);
    this.lo = t;
    this.hi = t + 1;
  }

  private keepCheckpoint(t: number): void {
    const k = t / CHECKPOINT_EVERY;
    if (this.checkpoints[k]) return;
    const o = this.at(t);
    const w1 = this.w1;
    this.checkpoints[k] = [this.csum.slice(o * 3, (o + w1) * 3), this.dsum.slice(o, o + w1), this.gsum ? this.gsum.slice(o, o + w1) : null];
  }

  /** Rolls the luma rows so they hold pixel rows y−1, y, y+1 (those that exist). */
  private lumaAround(y: number): void {
    const { width: w, height: h, data: d } = this.img;
    const fill = (row: number): void => {
      if (row < 0 || row >= h) return;
      const o = ((row + 3) % 3) * w;
      for (let x = 0, p = row * w; x < w; x++, p++) this.lum[o + x] = luma(d, p);
    };
    if (y === this.lumRow + 1) fill(y + 1);
    else if (y !== this.lumRow) for (let r = y - 1; r <= y + 1; r++) fill(r);
    this.lumRow = y;
  }

  /** Table row hi from row hi − 1 and pixel row hi − 1; drops the oldest row when the ring is full. */
  private nextRow(): void {
    const y = this.hi - 1;
    const { width: w, data: d } = this.img;
    const known = this.known;
    const gen = this.gen;
    const { csum, dsum, gsum, lum } = this;
    const u0 = this.at(y);
    const o0 = this.at(y + 1);
    const inner = y >= 1 && y < this.h - 1;
    if (inner) this.lumaAround(y);
    // Luma of pixel rows y−1, y, y+1 sit at rows (y+2)%3, y%3, (y+1)%3 of `lum`.
    const lm = ((y + 2) % 3) * w, l0 = (y % 3) * w, lp = ((y + 1) % 3) * w;
    let r0 = 0, r1 = 0, r2 = 0;
    let rd = 0;
    let rg = 0;
    csum[o0 * 3] = 0;
    csum[o0 * 3 + 1] = 0;
    csum[o0 * 3 + 2] = 0;
    dsum[o0] = 0;
    if (gsum) gsum[o0] = 0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const o = o0 + x + 1;
      const u = u0 + x + 1;
      r0 += d[p * 3]!;
      r1 += d[p * 3 + 1]!;
      r2 += d[p * 3 + 2]!;
      csum[o * 3] = csum[u * 3]! + r0;
      csum[o * 3 + 1] = csum[u * 3 + 1]! + r1;
      csum[o * 3 + 2] = csum[u * 3 + 2]! + r2;
      if (inner && x >= 1 && x < w - 1 && known[p] && known[p - 1] && known[p + 1] && known[p - w] && known[p + w]) {
        rd += Math.abs(4 * lum[l0 + x]! - lum[l0 + x - 1]! - lum[l0 + x + 1]! - lum[lm + x]! - lum[lp + x]!);
      }
      dsum[o] = dsum[u]! + rd;
      if (gsum) {
        rg += gen![p] ? 1 : 0;
        gsum[o] = gsum[u]! + rg;
      }
    }
    this.hi++;
    if (this.hi - this.lo > this.mask + 1) this.lo = this.hi - this.mask - 1;
    if ((y + 1) % CHECKPOINT_EVERY === 0) this.keepCheckpoint(y + 1);
  }
}
