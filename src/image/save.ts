import sharp from 'sharp';
import type { DecodedImage } from './load.js';
import type { RawImage } from './raw.js';

/** Encodes an RGB image; the format follows the file extension (png, jpg, webp). */
export async function saveImage(img: RawImage, path: string): Promise<void> {
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).toFile(path);
}

/** A decoded input as PNG: RGB, or RGBA with alpha 0 where it was transparent, so the transparency survives. */
export async function encodePng(decoded: DecodedImage): Promise<Buffer> {
  const { image, transparent } = decoded;
  if (!transparent) return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
  const rgba = new Uint8Array(image.width * image.height * 4);
  for (let p = 0; p < transparent.length; p++) {
    rgba.set(image.data.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = transparent[p] ? 0 : 255;
  }
  return sharp(rgba, { raw: { width: image.width, height: image.height, channels: 4 } }).png().toBuffer();
}
