import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { ImageLoadError, ValidationError } from '../errors.js';
import { checkImage, type ImageCheck } from '../image/load.js';
import { ensureFreeSpace, orDiskFull } from './jobs/disk-full.js';
import { guardedFetch } from './ssrf.js';
import { probeAudio } from '../video/audio.js';

/** How the server fetches an image named by URL in a request. */
export interface ImageFetchOptions {
  readonly allowPrivateUrls: boolean;
  readonly maxImageBytes: number;
  readonly fetchTimeoutMs: number;
  /** Replaces the SSRF-guarded agent for URL fetches (tests route them to a mock); URL checks still apply. */
  readonly dispatcher?: Dispatcher;
  /** Resolves host names for the SSRF guard (default dns.lookup; tests inject one). */
  readonly lookup?: LookupFunction;
}

/** Limits an input image must meet before a job is queued. */
export interface InputLimits {
  readonly maxPixels: number;
}

/** A stored input image: its name under the inputs directory, its upright size, and whether it has alpha. */
export interface AdmittedImage {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly hasAlpha: boolean;
}

const DATA_URI = /^data:[^,]*;base64,/i;
const BASE64 = /^[A-Za-z0-9+/=_\s-]*$/;

/** Image bytes of a request: fetched through the SSRF guard, or decoded from a data URI or base64; anything else is a 4xx. */
export async function requestImageBytes(image: string, o: ImageFetchOptions, signal?: AbortSignal, field = 'image'): Promise<Buffer> {
  if (/^https?:\/\//i.test(image)) {
    return guardedFetch(image, { field, allowPrivate: o.allowPrivateUrls, maxBytes: o.maxImageBytes, timeoutMs: o.fetchTimeoutMs, ...(signal ? { signal } : {}), ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}), ...(o.lookup ? { lookup: o.lookup } : {}) });
  }
  const payload = DATA_URI.test(image) ? image.slice(image.indexOf(',') + 1) : image;
  if (!BASE64.test(payload)) throw new ValidationError([{ path: field, message: 'must be an http(s) URL, a data:image URI or base64' }]);
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length === 0) throw new ValidationError([{ path: field, message: 'holds no image data (empty base64)' }]);
  return bytes;
}

/**
 * Fetches (through the SSRF guard) or decodes the request's image at submit time, checks that it
 * is a decodable picture within the pixel limit (no decompression bombs), and stores it for the job:
 * a bad image is a 4xx now, not a failed job later, and a restart never fetches it again.
 */
export async function admitInput(image: string, inputsDir: string, o: ImageFetchOptions & InputLimits, field = 'image'): Promise<AdmittedImage> {
  return admitBytes(await requestImageBytes(image, o, undefined, field), inputsDir, o, field);
}

/** The image's upright size once every pixel decoded within the limit; a 4xx naming the field otherwise. */
export async function checkInputImage(bytes: Buffer, o: InputLimits, field = 'image'): Promise<ImageCheck> {
  try {
    return await checkImage(bytes, o.maxPixels);
  } catch (err) {
    throw new ValidationError([{ path: field, message: (err as Error).message }]);
  }
}

/** Checks uploaded or fetched bytes (every pixel decodable, within the pixel limit) and stores them. */
export async function admitBytes(bytes: Buffer, inputsDir: string, o: InputLimits, field = 'image'): Promise<AdmittedImage> {
  const { width, height, hasAlpha } = await checkInputImage(bytes, o, field);
  return { name: await storeInput(bytes, inputsDir), width, height, hasAlpha };
}

/**
 * Writes an admitted image under a fresh name: refused (507) when it cannot fit, written to a
 * hidden partial file and renamed, so a write that runs out of space leaves nothing behind.
 */
async function storeInput(bytes: Buffer, inputsDir: string): Promise<string> {
  ensureFreeSpace(inputsDir, bytes.length, 0);
  const name = `${randomUUID()}.img`;
  const partial = join(inputsDir, `.${name}.part`);
  try {
    await orDiskFull(async () => {
      await writeFile(partial, bytes);
      await rename(partial, join(inputsDir, name));
    });
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  stored.getStore()?.push(name);
  return name;
}

/** The inputs stored while handling the current request (see releaseOnFailure). */
const stored = new AsyncLocalStorage<string[]>();

/**
 * Removes the images a request stored when it is answered with an error and no queued job needs
 * them (a mask refused after the image was stored, a queue refusing the job): uploads are never
 * orphaned by a failed request. `inUse` names the inputs of queued and running jobs.
 */
export function releaseOnFailure(app: FastifyInstance, inputsDir: string, inUse: () => Promise<Set<string>>): void {
  const names = new WeakMap<FastifyRequest, string[]>();
  app.addHook('onRequest', (req, _reply, done) => {
    const list: string[] = [];
    names.set(req, list);
    stored.run(list, done);
  });
  app.addHook('onResponse', async (req, reply) => {
    const list = names.get(req);
    if (!list?.length || reply.statusCode < 400) return;
    const used = await inUse();
    await Promise.all(list.filter((n) => !used.has(n)).map((n) => rm(inputPath(inputsDir, n), { force: true })));
  });
}

/** The path of a stored input: a flat name under the inputs directory, whatever the record says. */
function inputPath(inputsDir: string, name: string): string {
  return join(inputsDir, name.replace(/[^A-Za-z0-9.-]/g, ''));
}

/** Where a stored input lives on disk (audio is handed to ffmpeg as a file). */
export function storedInputPath(inputsDir: string, name: string): string {
  return inputPath(inputsDir, name);
}

/**
 * Fetches a request's audio (http(s) URL, through the SSRF guard), stores it and checks with
 * ffmpeg that it holds an audio stream: a file without one is a 400 now, not a failed job.
 */
export async function admitAudio(url: string, inputsDir: string, o: ImageFetchOptions): Promise<string> {
  const name = await storeInput(await requestImageBytes(url, o, undefined, 'audio'), inputsDir);
  await probeAudio(storedInputPath(inputsDir, name));
  return name;
}

/** Reads a job's stored input image; a missing one is an ImageLoadError that names no path. */
export async function readInput(inputsDir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(inputPath(inputsDir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ImageLoadError('the stored input image of this job is gone; submit the request again', { cause: err });
    throw err;
  }
}

/** Removes stored inputs of a request refused after they were admitted, so no orphan is left. */
export function discardInputs(inputsDir: string, ...images: readonly (AdmittedImage | null)[]): void {
  for (const image of images) if (image) rmSync(inputPath(inputsDir, image.name), { force: true });
}
