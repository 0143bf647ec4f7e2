import { describe, expect, it } from 'vitest';
import { samplePath } from '../../../src/render/render.js';
import { outputName, outputNames } from '../../../src/server/outputs.js';

describe('output names', () => {
  it('names one output <id>.<ext> and several <id>-n.<ext>, as the renderer names its samples', () => {
    expect(outputNames('j', 'mp4', 1)).toEqual(['j.mp4']);
    expect(outputNames('j', 'mp4', 3)).toEqual([0, 1, 2].map((i) => samplePath('j.mp4', i, 3)));
    expect(outputNames('j', 'png', 1, true)).toEqual(['j-1.png']);
  });

  it('numbers a sample from 1, and leaves an unnumbered output bare', () => {
    expect(outputName('abc', 'webp')).toBe('abc.webp');
    expect(outputName('abc', 'webp', 0)).toBe('abc-1.webp');
    expect(outputName('abc', 'webp', 4)).toBe('abc-5.webp');
    expect(outputNames('abc', 'png', 2, false)).toEqual(['abc.png', 'abc.png']);
    expect(outputNames('abc', 'png', 0)).toEqual([]);
  });
});
