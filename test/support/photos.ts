/** The sample photos (samples/*.jpg), cover-fitted to a size, for test/quality. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '../../src/image/raw.js';

export const samplesDir = join(import.meta.dirname, '..', '..', 'samples');

/** Names of the photos in samples/, sorted. */
export function samplePhotos(): string[] {
  return readdirSync(samplesDir).filter((f) => f.endsWith('.jpg')).sort();
}

/** samples/`name` cover-fitted to w×h, RGB. */
export async function photo(name: string, w: number, h: number): Promise<RawImage> {
  const { data, info } = await sharp(join(samplesDir, name)).resize(w, h, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** The zoom-out ring of translation_factor f on a w×h frame (255 = generate). */
export function ringMask(w: number, h: number, f: number): Uint8Array {
  const tx = Math.round(f * w), ty = Math.round(f * h);
  const m = new Uint8Array(w * h).fill(255);
  for (let y = ty; y < h - ty; y++) m.fill(0, y * w + tx, y * w + w - tx);
  return m;
}
