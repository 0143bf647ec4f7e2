import { describe, expect, it } from 'vitest';
import { seamMembrane } from '../../../src/engines/classical/membrane.js';
import { fromView, toView, viewSize, type Side } from '../../../src/engines/classical/view.js';
import type { Raster } from '../../../src/engines/classical/raster.js';

/** A deterministic pseudo-random image. */
function noise(w: number, h: number, ch: number, seed: number): Raster {
  const data = new Uint8Array(w * h * ch);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { width: w, height: h, ch, data };
}

/** The view's pixel (x, y) by definition: where each side's band lies on the left. */
function naiveIndex(side: Side, w: number, h: number, x: number, y: number): number {
  if (side === 'left') return y * w + x;
  if (side === 'right') return y * w + (w - 1 - x);
  if (side === 'top') return x * w + y;
  return (h - 1 - x) * w + y;
}

/** The seam membrane's SOR written plainly (the loop before it was unrolled). */
function naiveMembrane(work: Raster, fixed: Uint8Array, bw: number, r0: number, r1: number, iterations: number, bwMax: number): void {
  const W = work.width;
  const wd = work.data;
  const n = r1 - r0;
  const bwE = Math.min(bw, bwMax);
  const off = new Float32Array(bwE * n * 3);
  const d = new Float32Array(n * 3);
  for (let y = r0; y < r1; y++) for (let c = 0; c < 3; c++) d[(y - r0) * 3 + c] = wd[(y * W + bw) * 3 + c]! - wd[(y * W + bw - 1) * 3 + c]!;
  const lam = 1 / 256;
  for (let it = 0; it < iterations; it++) {
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < bwE; i++) {
        const o = (j * bwE + i) * 3;
        for (let c = 0; c < 3; c++) {
          let s = 0;
          let k = 0;
          s += i === 0 ? d[j * 3 + c]! : off[o - 3 + c]!;
          k++;
          if (i + 1 < bwE) { s += off[o + 3 + c]!; k++; }
          if (j > 0) { s += off[o - bwE * 3 + c]!; k++; }
          if (j + 1 < n) { s += off[o + bwE * 3 + c]!; k++; }
          const v = off[o + c]!;
          off[o + c] = v + 1.85 * (s / (k + lam) - v);
        }
      }
    }
  }
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < bwE; i++) {
      const p = (r0 + j) * W + bw - 1 - i;
      if (fixed[p]) continue;
      for (let c = 0; c < 3; c++) {
        const v = wd[p * 3 + c]! + off[(j * bwE + i) * 3 + c]!;
        wd[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
}

describe('classical engine kernels', () => {
  it.each(['left', 'right', 'top', 'bottom'] as Side[])('toView/fromView (%s) follow the definition for 1 and 3 channels', (side) => {
    // 37×21: more view rows than one tile of the transposed copy, and a partial last tile.
    for (const [ch, w, h] of [[1, 13, 7], [3, 13, 7], [1, 37, 21], [3, 37, 21]] as const) {
      const p = noise(w, h, ch, 5 + ch);
      const v = toView(p, side);
      expect({ width: v.width, height: v.height }).toEqual(viewSize(side, w, h));
      let bad = 0;
      for (let y = 0; y < v.height; y++) {
        for (let x = 0; x < v.width; x++) {
          const s = naiveIndex(side, w, h, x, y);
          for (let c = 0; c < ch; c++) if (v.data[(y * v.width + x) * ch + c] !== p.data[s * ch + c]) bad++;
        }
      }
      expect(bad).toBe(0);
      const back: Raster = { ...p, data: new Uint8Array(p.data.length) };
      fromView(v, side, back);
      expect(Buffer.from(back.data).equals(Buffer.from(p.data))).toBe(true);
    }
  });

  it('seamMembrane gives the same bytes as the plain SOR loop', () => {
    for (const [bw, short, cols] of [[40, false, 128]] as const) {
      const a = noise(bw + 30, 50, 3, bw);
      const fixed = new Uint8Array(a.width * a.height);
      for (let y = 0; y < a.height; y++) for (let x = bw; x < a.width; x++) fixed[y * a.width + x] = 1;
      fixed[10 * a.width + 3] = 1;
      const b: Raster = { ...a, data: a.data.slice() };
      seamMembrane(a, fixed, bw, 2, 47, 20, short);
      naiveMembrane(b, fixed, bw, 2, 47, 20, cols);
      expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
      expect(Buffer.from(a.data).equals(Buffer.from(noise(bw + 30, 50, 3, bw).data))).toBe(false);
    }
  });

  it('seamMembrane, short: the row-solution start and 24 sweeps land within 1 level of a converged field', () => {
    // A seam step that drifts slowly and jumps by up to ±15 levels from row to row.
    const W = 200, H = 400, bw = 120;
    const base = noise(W, H, 3, 9);
    let s = 77;
    for (let y = 0; y < H; y++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const step = 40 * Math.sin(y / 50) + 30 * ((s >>> 24) / 255 - 0.5);
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) base.data[(y * W + x) * 3 + c] = Math.round(120 + (x >= bw ? step : 0) + ((base.data[(y * W + x) * 3 + c]! - 128) >> 4));
      }
    }
    const fixed = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = bw; x < W; x++) fixed[y * W + x] = 1;
    const fast: Raster = { ...base, data: base.data.slice() };
    const converged: Raster = { ...base, data: base.data.slice() };
    seamMembrane(fast, fixed, bw, 0, H, undefined, true);
    naiveMembrane(converged, fixed, bw, 0, H, 600, 64);
    let worst = 0, sum = 0;
    for (let i = 0; i < fast.data.length; i++) {
      const e = Math.abs(fast.data[i]! - converged.data[i]!);
      worst = Math.max(worst, e);
      sum += e;
    }
    expect(worst).toBeLessThanOrEqual(1);
    expect(sum / fast.data.length).toBeLessThan(0.1);
    // And the step is gone: the band's last column now meets the known column.
    const meanStep = (r: Raster): number => {
      let t = 0;
      for (let y = 0; y < H; y++) t += Math.abs(r.data[(y * W + bw) * 3]! - r.data[(y * W + bw - 1) * 3]!);
      return t / H;
    };
    expect(meanStep(fast)).toBeLessThan(0.35 * meanStep(base));
  });
});
