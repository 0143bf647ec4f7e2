import sharp from 'sharp';
import { ImageLoadError } from '../errors.js';
import type { RawImage } from './raw.js';

/** An RGB image enlarged k times with lanczos3 (keyframes for output_scale: done once per keyframe, not per frame). */
export async function upscaleImage(img: RawImage, k: number): Promise<RawImage> {
  if (k === 1) return img;
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(img.width * k, img.height * k, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** A PNG (or any image) decoded as straight-alpha RGBA, resized to `width` px wide (lanczos3, aspect kept, even height). */
export async function decodeRgbaAtWidth(bytes: Buffer, width: number): Promise<{ width: number; height: number; data: Uint8Array }> {
  try {
    const meta = await sharp(bytes).metadata();
    const height = Math.max(2, 2 * Math.round((((meta.height ?? width) / (meta.width ?? width)) * width) / 2));
    const img = sharp(bytes).ensureAlpha().toColourspace('srgb').resize(width, height, { kernel: 'lanczos3', fit: 'fill' });
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new ImageLoadError(`watermark: cannot decode (${(err as Error).message})`, { cause: err });
  }
}
