import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { ImageLoadError } from '../errors.js';
import { fetchBytes } from '../http/fetch-bytes.js';
import type { RawImage } from './raw.js';

/** Limits on what an input image may cost to fetch and decode. */
export interface LoadLimits {
  readonly maxBytes: number;
  readonly maxPixels: number;
  readonly timeoutMs: number;
}

export const DEFAULT_LOAD_LIMITS: LoadLimits = { maxBytes: 50 * 1024 * 1024, maxPixels: 100_000_000, timeoutMs: 30_000 };

const DATA_URI = /^data:image\/[a-z0-9.+-]+;base64,/i;
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/** The bytes at an image URL, within the size and time limits; every failure is an ImageLoadError. */
function fetchImage(url: string, limits: LoadLimits, signal?: AbortSignal): Promise<Buffer> {
  return fetchBytes(url, {
    maxBytes: limits.maxBytes,
    timeoutMs: limits.timeoutMs,
    ...(signal ? { signal } : {}),
    fail: (f) => {
      if (f.kind === 'status') return new ImageLoadError(`image: ${url} answered HTTP ${f.status}`);
      if (f.kind === 'too-large') return new ImageLoadError(`image: ${url} is larger than ${limits.maxBytes} bytes`);
      return new ImageLoadError(`image: could not fetch ${url}: ${f.reason}`, { cause: f.error });
    },
  });
}

/** True for an image given inline: a data:image URI, or a long string of the base64 alphabet (not a file name). */
export function isInlineImage(source: string): boolean {
  return DATA_URI.test(source) || (source.length > 256 && BASE64.test(source));
}

/** The bytes of an inline image: a data URI's payload, or the string itself, decoded from base64. */
export function inlineImageBytes(source: string): Buffer {
  return Buffer.from(DATA_URI.test(source) ? source.slice(source.indexOf(',') + 1) : source, 'base64');
}

/** Reads the bytes of an image given as URL, data URI, bare base64 or local path. */
export async function readImageSource(source: string, limits: LoadLimits = DEFAULT_LOAD_LIMITS, signal?: AbortSignal): Promise<Buffer> {
  if (/^https?:\/\//i.test(source)) return fetchImage(source, limits, signal);
  if (DATA_URI.test(source)) return inlineImageBytes(source);
  try {
    return await readFile(source.startsWith('file://') ? new URL(source) : source);
  } catch (err) {
    if (isInlineImage(source)) return inlineImageBytes(source);
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ImageLoadError(`image: cannot read "${source}": ${why}`, { cause: err });
  }
}

/** Decodes (EXIF-rotated, sRGB, no alpha), optionally resized by `fit`, to an RGB RawImage. */
async function decode(bytes: Buffer, limits: LoadLimits, fit?: (img: sharp.Sharp) => sharp.Sharp): Promise<RawImage> {
  try {
    const rotated = sharp(bytes, { limitInputPixels: limits.maxPixels }).rotate();
    const { data, info } = await (fit ? fit(rotated) : rotated).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new ImageLoadError(`image: cannot decode (${(err as Error).message})`, { cause: err });
  }
}

/** Decodes and cover-crops (centre) an image to exactly width×height RGB: content is never stretched. */
export function decodeFitted(bytes: Buffer, width: number, height: number, limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<RawImage> {
  return decode(bytes, limits, (img) => img.resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' }));
}

/** Decodes an image at its own size as RGB. */
export function decodeImage(bytes: Buffer, limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<RawImage> {
  return decode(bytes, limits);
}
