import { describe, expect, it } from 'vitest';
import { blendJoins } from '../../../src/engines/classical/join-blend.js';
import type { Raster } from '../../../src/engines/classical/raster.js';
import type { Rect } from '../../../src/walk/geometry.js';

const W = 120, H = 200, BW = 80;

/** A view whose band (columns < BW) holds `above` over a wavy cut near row 100 and `below` under it; known pixels right of the band. */
function twoBlocks(above: (x: number, y: number) => number, below: (x: number, y: number) => number): { view: Raster; fixed: Uint8Array; joins: Rect[]; cut: number[] } {
  const data = new Uint8Array(W * H * 3);
  const fixed = new Uint8Array(W * H);
  const cut: number[] = [];
  const joins: Rect[] = [];
  for (let x = 0; x < W; x++) {
    const c = 100 + Math.round(4 * Math.sin(x / 7));
    cut.push(c);
    if (x < BW) joins.push({ x0: x, y0: c, x1: x + 1, y1: c + 1 });
    for (let y = 0; y < H; y++) {
      const v = x >= BW ? 50 : y < c ? above(x, y) : below(x, y);
      data.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
      if (x >= BW) fixed[y * W + x] = 1;
    }
  }
  return { view: { width: W, height: H, ch: 3, data }, fixed, joins, cut };
}

describe('blendJoins', () => {
  it('removes a brightness step between two plain blocks at their cut and fades out away from it', () => {
    const { view, fixed, joins, cut } = twoBlocks(() => 100, () => 130);
    blendJoins(view, fixed, joins, BW, 0, H);
    for (const x of [5, 40, 75]) {
      const c = cut[x]!;
      const at = (y: number): number => view.data[(y * W + x) * 3]!;
      expect(Math.abs(at(c) - at(c - 1))).toBeLessThanOrEqual(2);
      // Far from the cut the blocks keep their own brightness (within the fade's tail).
      expect(Math.abs(at(c - 60) - 100)).toBeLessThanOrEqual(2);
      expect(Math.abs(at(c + 60) - 130)).toBeLessThanOrEqual(2);
    }
    // Known pixels are never touched.
    for (let y = 0; y < H; y++) expect(view.data[(y * W + BW) * 3]).toBe(50);
  });

  it('leaves texture with no step across the cut nearly as it was', () => {
    const noise = (x: number, y: number): number => 120 + (((x * 7919 + y * 104729) % 41) - 20);
    const { view, fixed, joins } = twoBlocks(noise, noise);
    const before = view.data.slice();
    blendJoins(view, fixed, joins, BW, 0, H);
    let sum = 0;
    for (let i = 0; i < before.length; i++) sum += Math.abs(view.data[i]! - before[i]!);
    expect(sum / before.length).toBeLessThan(1.5);
  });
});
