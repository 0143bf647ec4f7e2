import { describe, expect, it } from 'vitest';
import { samplePath } from '../../../src/render/render.js';

describe('samplePath', () => {
  it('keeps the path of a lone sample as given', () => {
    expect(samplePath('out/walk.mp4', 0, 1)).toBe('out/walk.mp4');
  });

  it('numbers samples from 1, before the extension', () => {
    expect([0, 1, 2].map((i) => samplePath('out/walk.mp4', i, 3))).toEqual(['out/walk-1.mp4', 'out/walk-2.mp4', 'out/walk-3.mp4']);
    expect(samplePath('out.d/walk.final.webm', 1, 2)).toBe('out.d/walk.final-2.webm');
  });

  it('appends the number to a path without an extension', () => {
    expect(samplePath('out/walk', 0, 2)).toBe('out/walk-1');
  });
});
