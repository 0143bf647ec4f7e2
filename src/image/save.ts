import sharp from 'sharp';
import type { RawImage } from './raw.js';

/** Encodes an RGB image; the format follows the file extension (png, jpg, webp). */
export async function saveImage(img: RawImage, path: string): Promise<void> {
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).toFile(path);
}
