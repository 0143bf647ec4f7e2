import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ValidationError } from '../errors.js';
import { requestImageBytes, type RunnerOptions } from './runner.js';

/** Limits an input image must meet before a job is queued. */
export interface InputLimits {
  readonly maxPixels: number;
}

/** The job's copy of its input image, kept under the data directory. */
export const INPUT_FIELD = '_input';

/**
 * Fetches (through the SSRF guard) or decodes the request's image at submit time, checks that it
 * is a decodable picture within the pixel limit (no decompression bombs), and stores it for the job:
 * a bad image is a 4xx now, not a failed job later, and a restart never fetches it again.
 */
export async function admitInput(image: string, inputsDir: string, o: RunnerOptions & InputLimits, field = 'image'): Promise<string> {
  return admitBytes(await requestImageBytes(image, o, undefined, field), inputsDir, o, field);
}

/** Checks uploaded or fetched bytes (decodable, within the pixel limit) and stores them; returns the stored name. */
export async function admitBytes(bytes: Buffer, inputsDir: string, o: InputLimits, field = 'image'): Promise<string> {
  let meta: sharp.Metadata;
  try {
    // Header only: a 20,000² PNG is refused without decoding a pixel.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ValidationError([{ path: field, message: `is not an image that can be decoded (${(err as Error).message})` }]);
  }
  const { width = 0, height = 0 } = meta;
  if (width * height > o.maxPixels) {
    throw new ValidationError([{ path: field, message: `${width}×${height} is ${width * height} pixels; the limit is ${o.maxPixels}` }]);
  }
  const name = `${randomUUID()}.img`;
  await writeFile(join(inputsDir, name), bytes);
  return name;
}

/** Reads a job's stored input image. */
export function readInput(inputsDir: string, name: string): Promise<Buffer> {
  return readFile(join(inputsDir, name.replace(/[^A-Za-z0-9.-]/g, '')));
}
