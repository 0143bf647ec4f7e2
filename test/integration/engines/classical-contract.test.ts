// The classical engine's contract on synthetic images (no photos): shape, kept pixels, seeds,
// threads, arbitrary masks, abort. It starts worker threads and runs for seconds, hence integration;
// the quality on photos is test/quality/classical.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { createClassicalEngine } from '../../../src/engines/classical/index.js';
import { AbortError } from '../../../src/errors.js';
import { maskFor as maskOf, taskFor, type MaskShape } from '../../support/classical-tasks.js';
import { fillQuality, syntheticLandscape } from '../../support/eval.js';

/** The widths test/quality/classical.test.ts uses (its frames are 512 px). */
const WIDTHS = { band: 64, ring: Math.round(0.1 * 512) };
const maskFor = (shape: MaskShape, w: number, h: number): Uint8Array => maskOf(shape, w, h, WIDTHS);

const engine = createClassicalEngine({ threads: 2 });
afterAll(async () => {
  await engine.close?.();
});

describe('classical engine: contract', () => {
  const img = syntheticLandscape(256, 192, 3);
  const mask = maskFor('left', 256, 192);

  it('is named classical and returns a W×H image whose unmasked pixels are the input bytes', async () => {
    expect(engine.name).toBe('classical');
    const task = taskFor(img, mask);
    const out = await engine.outpaint(task);
    expect([out.width, out.height, out.channels, out.data.length]).toEqual([256, 192, 3, 256 * 192 * 3]);
    for (let p = 0; p < mask.length; p++) {
      if (mask[p]) continue;
      expect(out.data[p * 3]).toBe(task.image.data[p * 3]);
      expect(out.data[p * 3 + 1]).toBe(task.image.data[p * 3 + 1]);
      expect(out.data[p * 3 + 2]).toBe(task.image.data[p * 3 + 2]);
    }
  });

  it('is deterministic for a seed and varies with the seed', async () => {
    const ring = maskFor('ring', 256, 192);
    const a = await engine.outpaint(taskFor(img, ring, 42));
    const b = await engine.outpaint(taskFor(img, ring, 42));
    const c = await engine.outpaint(taskFor(img, ring, 43));
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false);
  });

  it('gives the same bytes on the calling thread for the same split (threads: 0 vs 1)', async () => {
    const inline = createClassicalEngine({ threads: 0 });
    const one = createClassicalEngine({ threads: 1 });
    try {
      const a = await inline.outpaint(taskFor(img, mask, 5));
      const b = await one.outpaint(taskFor(img, mask, 5));
      expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    } finally {
      await one.close?.();
    }
  });

  it('fills an arbitrary mask completely with plausible colours', async () => {
    const w = 256, h = 192;
    const blobs = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inBlob = (x - 70) ** 2 + (y - 60) ** 2 < 30 ** 2 || (x > 150 && x < 230 && y > 120 && y < 140) || (x + y) % 97 < 3;
        blobs[y * w + x] = inBlob ? 255 : 0;
      }
    }
    const out = await engine.outpaint(taskFor(img, blobs));
    let poisoned = 0;
    for (let p = 0; p < blobs.length; p++) if (blobs[p] && out.data[p * 3] === 255 && out.data[p * 3 + 1] === 0 && out.data[p * 3 + 2] === 255) poisoned++;
    expect(poisoned).toBe(0);
    const q = fillQuality(out, img, blobs);
    expect(q.colourDiff).toBeLessThan(15);
    expect(q.seamRatio).toBeLessThan(2);
  });

  it('rejects with AbortError promptly when aborted mid-run, and works again afterwards', async () => {
    const big = syntheticLandscape(512, 512, 9);
    const ring = maskFor('ring', 512, 512);
    for (const eng of [engine, createClassicalEngine({ threads: 0 })]) {
      const ac = new AbortController();
      const t0 = performance.now();
      const p = eng.outpaint(taskFor(big, ring), ac.signal);
      setTimeout(() => ac.abort(), 60);
      await expect(p).rejects.toBeInstanceOf(AbortError);
      expect(performance.now() - t0).toBeLessThan(1500);
    }
    const pre = new AbortController();
    pre.abort();
    await expect(engine.outpaint(taskFor(img, mask), pre.signal)).rejects.toBeInstanceOf(AbortError);
    const out = await engine.outpaint(taskFor(img, mask));
    expect(out.width).toBe(256);
  });
});
