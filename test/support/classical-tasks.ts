/**
 * Masks and tasks for the classical engine's tests (test/integration/engines/classical-contract.test.ts,
 * test/quality/classical.test.ts): a band on one side or a ring, and tasks whose masked pixels are
 * poisoned so an engine that reads them shows it.
 */
import type { OutpaintTask } from '../../src/engines/types.js';
import type { RawImage } from '../../src/image/raw.js';

/** Where the pixels to generate lie: a band along one side, or a ring round the frame. */
export type MaskShape = 'left' | 'right' | 'top' | 'bottom' | 'ring';

/** The band's width and the ring's width, px. */
export interface MaskWidths {
  readonly band: number;
  readonly ring: number;
}

/** A w×h mask (255 = generate) of the given shape. */
export function maskFor(shape: MaskShape, w: number, h: number, { band, ring }: MaskWidths): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const g =
        shape === 'left' ? x < band
        : shape === 'right' ? x >= w - band
        : shape === 'top' ? y < band
        : shape === 'bottom' ? y >= h - band
        : x < ring || y < ring || x >= w - ring || y >= h - ring;
      m[y * w + x] = g ? 255 : 0;
    }
  }
  return m;
}

/** A task whose masked pixels are poisoned (magenta), so an engine that reads them shows it. */
export function taskFor(img: RawImage, mask: Uint8Array, seed = 1, extra: Partial<OutpaintTask> = {}): OutpaintTask {
  const data = img.data.slice();
  for (let p = 0; p < mask.length; p++) if (mask[p]) data.set([255, 0, 255], p * 3);
  return { image: { ...img, data }, mask, prompt: 'ignored', negativePrompt: '', seed, steps: 20, guidance: 7.5, overlap: 16, ...extra };
}
