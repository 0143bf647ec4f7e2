import type { RawImage } from '../../image/raw.js';

/** A canvas and mask grown to multiples of 8, and the size to crop the answer back to (cropTo in images.ts). */
export interface Padded8 {
  readonly image: RawImage;
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** The next multiple of 8 at or above n: Stable Diffusion latents are 1/8 of the pixel size. */
export function ceil8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/**
 * Grows the canvas to multiples of 8 by repeating its last row and column (so the sampler sees no
 * hard border) and marks the added pixels 255 in the mask, so the service generates them too.
 * A service that rounds sizes itself (A1111 floors, ComfyUI's VAE encode crops) would otherwise
 * return a picture of another shape.
 */
export function padTo8(image: RawImage, mask: Uint8Array): Padded8 {
  const { width: w, height: h } = image;
  const pw = ceil8(w);
  const ph = ceil8(h);
  if (pw === w && ph === h) return { image, mask, width: w, height: h };
  const data = new Uint8Array(pw * ph * 3);
  const m = new Uint8Array(pw * ph).fill(255);
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(y, h - 1);
    for (let x = 0; x < pw; x++) {
      const sx = Math.min(x, w - 1);
      const s = (sy * w + sx) * 3;
      const d = (y * pw + x) * 3;
      data[d] = image.data[s]!;
      data[d + 1] = image.data[s + 1]!;
      data[d + 2] = image.data[s + 2]!;
    }
    if (y < h) m.set(mask.subarray(y * w, y * w + w), y * pw);
  }
  return { image: { width: pw, height: ph, channels: 3, data }, mask: m, width: w, height: h };
}
