import { describe, expect, it } from 'vitest';
import { crossfade, loopDissolve } from '../../../src/frames/effects/crossfade.js';
import { applyFade, fadeLevel } from '../../../src/frames/effects/fade.js';
import { applyWatermark, prepareWatermark, watermarkOrigin } from '../../../src/frames/effects/watermark.js';

describe('fades', () => {
  it('start and end at black and ramp monotonically', () => {
    const levels = Array.from({ length: 20 }, (_, i) => fadeLevel(i, 20, 5, 4));
    expect(levels[0]).toBe(0);
    expect(levels[19]).toBe(0);
    expect(levels.slice(5, 16).every((l) => l === 1)).toBe(true);
    for (let i = 1; i < 5; i++) expect(levels[i]!).toBeGreaterThan(levels[i - 1]!);
    for (let i = 16; i < 20; i++) expect(levels[i]!).toBeLessThan(levels[i - 1]!);
  });

  it('takes yuv420p to (16, 128, 128) and rgb24 to 0 at level 0', () => {
    const yuv = new Uint8Array(4 * 2 + 2 * 2).fill(200);
    applyFade(yuv, 'yuv420p', 4, 2, 0);
    expect([...yuv]).toEqual([16, 16, 16, 16, 16, 16, 16, 16, 128, 128, 128, 128]);
    const rgb = new Uint8Array(12).fill(200);
    applyFade(rgb, 'rgb24', 2, 2, 0.5);
    expect([...rgb]).toEqual(new Array(12).fill(100));
  });
});

describe('loop dissolve', () => {
  it('is at rest at both ends and reaches the closing image exactly', () => {
    expect(loopDissolve(0)).toBe(0);
    expect(loopDissolve(1)).toBe(1);
    const a = new Uint8Array([0, 100, 255]);
    crossfade(a, new Uint8Array([255, 100, 0]), 1);
    expect([...a]).toEqual([255, 100, 0]);
  });
});

describe('watermark', () => {
  const mark = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 4) };
  for (let i = 0; i < 8; i++) mark.data.set([255, 255, 255, 255], i * 4);

  it('sits in the named corner, with a margin, on even coordinates', () => {
    expect(watermarkOrigin('top-left', 100, 100, 10, 10)).toEqual({ x: 2, y: 2 });
    expect(watermarkOrigin('bottom-right', 100, 100, 10, 10)).toEqual({ x: 86, y: 86 });
    expect(watermarkOrigin('center', 100, 100, 10, 10)).toEqual({ x: 44, y: 44 });
  });

  it('blends at the given opacity inside its box and nowhere else (rgb24)', () => {
    const frame = new Uint8Array(100 * 100 * 3);
    applyWatermark(frame, prepareWatermark(mark, 'rgb24', 100, 100, 'top-left', 0.5));
    const at = (x: number, y: number): number => frame[(y * 100 + x) * 3]!;
    expect(at(2, 2)).toBe(128);
    expect(at(5, 3)).toBe(128);
    expect(at(6, 2)).toBe(0);
    expect(at(2, 4)).toBe(0);
    expect(at(1, 2)).toBe(0);
  });

  it('blends luma and chroma planes (yuv420p)', () => {
    const frame = new Uint8Array(100 * 100 + 2 * 50 * 50);
    frame.fill(16, 0, 10000);
    frame.fill(200, 10000);
    applyWatermark(frame, prepareWatermark(mark, 'yuv420p', 100, 100, 'top-left', 1));
    expect(frame[2 * 100 + 2]).toBe(235);
    expect(frame[2 * 100 + 6]).toBe(16);
    // White is neutral chroma: the blocks under the mark become 128, the rest keep 200.
    expect(frame[10000 + 1 * 50 + 1]).toBe(128);
    expect(frame[10000 + 1 * 50 + 3]).toBe(200);
  });
});
