import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RawImage } from '../../src/image/raw.js';

/** The sample photos (samples/*.jpg), sorted. */
export function samplePhotos(): string[] {
  const dir = join(import.meta.dirname, '..', '..', 'samples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => join(dir, f));
}

/** A crop-and-extend case: the true image, the canvas with the band blanked, its mask and seam pairs. */
export interface BandCase {
  readonly kind: 'pan' | 'ring';
  readonly canvas: RawImage;
  readonly mask: Uint8Array;
  readonly seam: [number, number, number, number][];
}

/** Blanks a `band`-px strip on the left (a pan step's band). */
export function panCase(truth: RawImage, band: number): BandCase {
  const { width: w, height: h } = truth;
  const mask = new Uint8Array(w * h);
  const data = truth.data.slice();
  const seam: [number, number, number, number][] = [];
  for (let y = 0; y < h; y++) {
    mask.fill(255, y * w, y * w + band);
    data.fill(0, y * w * 3, (y * w + band) * 3);
    seam.push([band, y, band - 1, y]);
  }
  return { kind: 'pan', canvas: { ...truth, data }, mask, seam };
}

/** Blanks a `ring`-px ring on every side (a backward step's ring). */
export function ringCase(truth: RawImage, ring: number): BandCase {
  const { width: w, height: h } = truth;
  const mask = new Uint8Array(w * h);
  const data = truth.data.slice();
  const seam: [number, number, number, number][] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inside = x >= ring && x < w - ring && y >= ring && y < h - ring;
      if (!inside) {
        mask[y * w + x] = 255;
        data.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
      }
    }
  }
  for (let i = ring; i < w - ring; i++) {
    seam.push([i, ring, i, ring - 1], [i, h - ring - 1, i, h - ring]);
  }
  for (let i = ring; i < h - ring; i++) {
    seam.push([ring, i, ring - 1, i], [w - ring - 1, i, w - ring, i]);
  }
  return { kind: 'ring', canvas: { ...truth, data }, mask, seam };
}
