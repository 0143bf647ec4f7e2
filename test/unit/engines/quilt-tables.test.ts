import { describe, expect, it } from 'vitest';
import { WindowTables } from '../../../src/engines/classical/quilt-tables.js';
import type { Raster } from '../../../src/engines/classical/raster.js';

/** Deterministic pseudo-random bytes below `mod`. */
function bytes(n: number, seed: number, mod = 256): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s >>> 24) % mod;
  }
  return out;
}

const luma = (d: Uint8Array, p: number): number => 0.299 * d[p * 3]! + 0.587 * d[p * 3 + 1]! + 0.114 * d[p * 3 + 2]!;

/** The whole tables as quilting built them before the window (the definition the window must match bit for bit). */
function wholeTables(img: Raster, known: Uint8Array, gen: Uint8Array): { c: Int32Array; d: Float64Array; g: Int32Array } {
  const { width: w, height: h, data: d } = img;
  const W1 = w + 1;
  const c = new Int32Array(W1 * (h + 1) * 3);
  const ds = new Float64Array(W1 * (h + 1));
  const g = new Int32Array(W1 * (h + 1));
  const lum = new Float64Array(w * h);
  for (let p = 0; p < w * h; p++) lum[p] = luma(d, p);
  for (let y = 0; y < h; y++) {
    let r0 = 0, r1 = 0, r2 = 0, rd = 0, rg = 0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const o = (y + 1) * W1 + x + 1;
      const u = y * W1 + x + 1;
      r0 += d[p * 3]!;
      r1 += d[p * 3 + 1]!;
      r2 += d[p * 3 + 2]!;
      c[o * 3] = c[u * 3]! + r0;
      c[o * 3 + 1] = c[u * 3 + 1]! + r1;
      c[o * 3 + 2] = c[u * 3 + 2]! + r2;
      if (y >= 1 && y < h - 1 && x >= 1 && x < w - 1 && known[p] && known[p - 1] && known[p + 1] && known[p - w] && known[p + w]) {
        rd += Math.abs(4 * lum[p]! - lum[p - 1]! - lum[p + 1]! - lum[p - w]! - lum[p + w]!);
      }
      ds[o] = ds[u]! + rd;
      rg += gen[p] ? 1 : 0;
      g[o] = g[u]! + rg;
    }
  }
  return { c, d: ds, g };
}

describe('windowed quilting tables', () => {
  it('give the whole tables’ values, bit for bit, however the rows are visited', () => {
    const w = 37, h = 1300;
    const img: Raster = { width: w, height: h, ch: 3, data: bytes(w * h * 3, 5) };
    const known = bytes(w * h, 7, 8).map((v) => (v > 0 ? 1 : 0));
    const gen = bytes(w * h, 9, 3).map((v) => (v === 0 ? 1 : 0));
    const want = wholeTables(img, known, gen);
    const t = new WindowTables(img, known, gen, (_key, make, n) => make(n));
    // Down the frame, back to the top (a new column of blocks), far ahead, and back into the middle.
    const visits = [0, 40, 100, 700, 1, 160, 1139, 1200, 500, 300, 1139, 0];
    let checked = 0;
    for (const y0 of visits) {
      const y1 = Math.min(h, y0 + 160);
      t.ensure(y0, y1);
      for (const y of [y0, y1, (y0 + y1) >> 1]) {
        const r = t.at(y);
        for (let x = 0; x <= w; x++) {
          const o = y * (w + 1) + x;
          for (let ch = 0; ch < 3; ch++) expect(t.csum[(r + x) * 3 + ch]).toBe(want.c[o * 3 + ch]);
          expect(Object.is(t.dsum[r + x], want.d[o])).toBe(true);
          expect(t.gsum![r + x]).toBe(want.g[o]);
          checked++;
        }
      }
    }
    expect(checked).toBe(visits.length * 3 * (w + 1));
    expect(want.d[(h + 1) * (w + 1) - 1]).toBeGreaterThan(0);
  });

  it('keeps a window of rows, not the whole table, on a tall source', () => {
    const w = 20, h = 2000;
    const img: Raster = { width: w, height: h, ch: 3, data: bytes(w * h * 3, 3) };
    const t = new WindowTables(img, new Uint8Array(w * h).fill(1), null, (_key, make, n) => make(n));
    expect(t.dsum.length).toBeLessThan(((h + 1) * (w + 1)) / 3);
    expect(t.gsum).toBeNull();
  });
});
