import sharp from 'sharp';
import type { RawImage } from '../../src/image/raw.js';

/** A deterministic, textured test picture: detail at several scales everywhere, so motion is measurable. */
export function texturedImage(width: number, height: number, seed = 1): RawImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const waves = Array.from({ length: 10 }, () => ({ fx: (rnd() - 0.5) * 0.6, fy: (rnd() - 0.5) * 0.6, ph: rnd() * 6.28, c: [rnd(), rnd(), rnd()] }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (const w of waves) v += Math.sin(x * w.fx + y * w.fy + w.ph) * w.c[c]!;
        data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, 128 + v * 30));
      }
    }
  }
  return { width, height, channels: 3, data };
}

/** Writes an RGB image to a PNG file and returns the path. */
export async function writePng(img: RawImage, path: string): Promise<string> {
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).png().toFile(path);
  return path;
}

/** Peak signal-to-noise ratio in dB between two same-size RGB buffers. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    se += d * d;
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / se);
}
