import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { placeOnCanvas } from '../../../src/request/outpaint-options.js';

describe('placeOnCanvas', () => {
  it('grows the canvas by --left/--right/--up/--down', () => {
    expect(placeOnCanvas(100, 50, { left: 10, right: 20, up: 5, down: 0 })).toEqual({ width: 130, height: 55, x: 10, y: 5 });
  });

  it('centres the image on an explicit canvas unless offsets are given', () => {
    expect(placeOnCanvas(100, 50, { width: 200, height: 150 })).toEqual({ width: 200, height: 150, x: 50, y: 50 });
    expect(placeOnCanvas(100, 50, { width: 200, height: 150, offsetX: 0, offsetY: 100 })).toEqual({ width: 200, height: 150, x: 0, y: 100 });
  });

  it('rejects mixed modes, negative growth, oversized canvases and images off the canvas', () => {
    expect(() => placeOnCanvas(100, 50, { left: 10, width: 300 })).toThrow(/either --left\/--right\/--up\/--down or --width\/--height/);
    expect(() => placeOnCanvas(100, 50, { left: -1 })).toThrow('left: -1 is below the minimum 0');
    expect(() => placeOnCanvas(100, 50, { right: 2000 })).toThrow(/2100×50; the maximum side is 2048/);
    expect(() => placeOnCanvas(100, 50, { width: 200, height: 100, offsetX: 250 })).toThrow(ValidationError);
  });
});
