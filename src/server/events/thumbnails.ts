import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '../../image/raw.js';
import { LIMITS } from '../../request/limits.js';
import type { JobRecord } from '../jobs/types.js';

/** The long side of a keyframe thumbnail, in px. */
export const THUMBNAIL_SIDE = 256;

/** Keyframe `index` (1-based step) of sample `sample`'s thumbnail: served from /generations like an output. */
export function thumbnailName(jobId: string, sample: number, index: number): string {
  return `${jobId}-k${sample}-${index}.jpg`;
}

/** Writes a small JPEG of a keyframe under `dir` (to a partial file, then renamed); answers its size. */
export async function writeThumbnail(dir: string, name: string, image: RawImage): Promise<{ width: number; height: number }> {
  const scale = Math.min(1, THUMBNAIL_SIDE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const partial = join(dir, `.${name}.part`);
  try {
    await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(width, height, { fit: 'fill' }).jpeg({ quality: 80 }).toFile(partial);
    await rename(partial, join(dir, name));
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { width, height };
}

const count = (v: unknown, max: number): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : 1;
};

/** Every thumbnail name a walk job can have written (its steps × samples, from its stored request). */
export function thumbnailNames(job: Pick<JobRecord, 'id' | 'request'>): string[] {
  const walk = job.request['walk_type'];
  const steps = Array.isArray(walk) ? Math.min(walk.length, LIMITS.maxWalkSteps) : walk === undefined ? 0 : 1;
  const samples = count(job.request['samples'], LIMITS.maxSamples);
  const names: string[] = [];
  for (let s = 0; s < samples; s++) for (let i = 1; i <= steps; i++) names.push(thumbnailName(job.id, s, i));
  return names;
}
