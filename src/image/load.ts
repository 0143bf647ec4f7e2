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

/** A decoded input: RGB pixels, and where the picture is transparent. */
export interface DecodedImage {
  readonly image: RawImage;
  /** W×H, 255 where alpha is below half (those pixels are to be generated, like a mask's white), else 0; null when nothing is transparent. */
  readonly transparent: Uint8Array | null;
}

interface Size {
  readonly width: number;
  readonly height: number;
}

/** How a decode resizes the upright picture: cover-crop to exactly w×h, fit inside w×h (never enlarged), or stretch to w×h (masks). */
export type DecodeFit = { readonly cover: Size } | { readonly inside: Size } | { readonly fill: Size };

/** Splits sharp's raw output (grey or colour, with or without alpha) into RGB and a transparency mask. */
function split(data: Buffer, width: number, height: number, channels: number): DecodedImage {
  const alpha = channels === 2 || channels === 4;
  const grey = channels < 3;
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  let transparent: Uint8Array | null = null;
  for (let p = 0, q = 0; p < n; p++, q += channels) {
    rgb[p * 3] = data[q]!;
    rgb[p * 3 + 1] = data[grey ? q : q + 1]!;
    rgb[p * 3 + 2] = data[grey ? q : q + 2]!;
    if (alpha && data[q + channels - 1]! < 128) (transparent ??= new Uint8Array(n))[p] = 255;
  }
  return { image: { width, height, channels: 3, data: rgb }, transparent };
}

/**
 * The one decoder of input images, for every surface (CLI, library, each server API): refuses more
 * than `maxPixels` from the header before decoding, turns the picture upright by its EXIF
 * orientation, converts to sRGB, optionally resizes, and keeps where it is transparent.
 */
export async function decodeInput(bytes: Buffer, limits: LoadLimits = DEFAULT_LOAD_LIMITS, fit?: DecodeFit): Promise<DecodedImage> {
  try {
    if (bytes.length === 0) throw new Error('no bytes');
    let img = sharp(bytes, { limitInputPixels: limits.maxPixels }).rotate();
    if (fit && 'cover' in fit) img = img.resize(fit.cover.width, fit.cover.height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' });
    if (fit && 'fill' in fit) img = img.resize(fit.fill.width, fit.fill.height, { fit: 'fill' });
    if (fit && 'inside' in fit) img = img.resize(fit.inside.width, fit.inside.height, { fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' });
    const { data, info } = await img.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return split(data, info.width, info.height, info.channels);
  } catch (err) {
    throw new ImageLoadError(`image: cannot decode (${(err as Error).message})`, { cause: err });
  }
}

/** An image's upright size, after reading every pixel: what the server checks before it queues a job. */
export interface ImageCheck {
  readonly width: number;
  readonly height: number;
  readonly format: string;
  /** It has an alpha channel: its transparent pixels are to be generated. */
  readonly hasAlpha: boolean;
}

/**
 * Checks that bytes are a whole, decodable picture within `maxPixels` (the header first, so a
 * decompression bomb is refused unread), decoding every pixel into a thumbnail so memory stays small.
 */
export async function checkImage(bytes: Buffer, maxPixels: number): Promise<ImageCheck> {
  let meta: sharp.Metadata;
  try {
    if (bytes.length === 0) throw new Error('no bytes');
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageLoadError(`is not an image that can be decoded (${(err as Error).message})`, { cause: err });
  }
  const { width = 0, height = 0, autoOrient } = meta;
  if (width * height > maxPixels) throw new ImageLoadError(`${width}×${height} is ${width * height} pixels; the limit is ${maxPixels}`);
  try {
    await sharp(bytes, { limitInputPixels: maxPixels }).rotate().resize(64, 64, { fit: 'inside' }).raw().toBuffer();
  } catch (err) {
    throw new ImageLoadError(`is not an image that can be decoded (${(err as Error).message})`, { cause: err });
  }
  return { width: autoOrient?.width ?? width, height: autoOrient?.height ?? height, format: meta.format ?? 'unknown', hasAlpha: meta.hasAlpha === true };
}

/** Decodes and cover-crops (centre) an image to exactly width×height RGB: content is never stretched. */
export async function decodeFitted(bytes: Buffer, width: number, height: number, limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<RawImage> {
  return (await decodeInput(bytes, limits, { cover: { width, height } })).image;
}

/** Decodes an image at its own size as RGB (transparency dropped: for masks and engine results). */
export async function decodeImage(bytes: Buffer, limits: LoadLimits = DEFAULT_LOAD_LIMITS): Promise<RawImage> {
  return (await decodeInput(bytes, limits)).image;
}
