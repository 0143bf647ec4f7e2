import { describe, expect, it } from 'vitest';
import type { OutpaintEngine } from '../../../src/engines/types.js';
import { outpaint, outpaintCanvas } from '../../../src/render/outpaint.js';
import { texturedImage } from '../../helpers/images.js';

describe('outpaint', () => {
  const img = texturedImage(40, 30, 4);

  it('builds the canvas and mask with the image placed', () => {
    const { canvas, mask } = outpaintCanvas(img, { left: 8, down: 4 });
    expect([canvas.width, canvas.height]).toEqual([48, 34]);
    expect(mask[0]).toBe(255);
    expect(mask[8]).toBe(0);
    expect(mask[30 * 48 + 8]).toBe(255);
    expect([...canvas.data.subarray(8 * 3, 8 * 3 + 3)]).toEqual([...img.data.subarray(0, 3)]);
  });

  it('takes a white-means-generate mask of the image size', () => {
    const m = { width: 40, height: 30, channels: 3 as const, data: new Uint8Array(40 * 30 * 3) };
    m.data.fill(255, 0, 40 * 3);
    const { mask } = outpaintCanvas(img, { mask: m });
    expect(mask.filter((v) => v === 255)).toHaveLength(40);
    expect(() => outpaintCanvas(img, { mask: { ...m, width: 10 } })).toThrow('mask: is 10×30; it must match the image, 40×30');
  });

  it('fills the new pixels and keeps the given ones, with the seed it used', async () => {
    const seen: number[] = [];
    const engine: OutpaintEngine = {
      name: 'grey',
      outpaint: async (t) => (seen.push(t.seed), { ...t.image, data: new Uint8Array(t.image.data.length).fill(77) }),
    };
    const r = await outpaint(img, { right: 10, engine, seed: 42 });
    expect(r).toMatchObject({ seed: 42, engine: 'grey' });
    expect(seen).toEqual([42]);
    expect([...r.image.data.subarray((5 * 50 + 45) * 3, (5 * 50 + 45) * 3 + 3)]).toEqual([77, 77, 77]);
    expect([...r.image.data.subarray((5 * 50 + 3) * 3, (5 * 50 + 3) * 3 + 3)]).toEqual([...img.data.subarray((5 * 40 + 3) * 3, (5 * 40 + 3) * 3 + 3)]);
  });

  it('refuses a mask that leaves nothing known', async () => {
    const m = { width: 40, height: 30, channels: 3 as const, data: new Uint8Array(40 * 30 * 3).fill(255) };
    await expect(outpaint(img, { mask: m, engine: 'mirror' })).rejects.toThrow('mask: covers every pixel');
  });
});
