import { open, readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { UsageError } from '../errors.js';
import { isInlineImage } from '../image/load.js';
import { requestFieldsFromFlags } from './request-flags.js';

/** What the positional argument of `zoomwalk render` is. */
export type RenderInputKind = 'request' | 'image';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif', '.tif', '.tiff', '.heic', '.heif']);

/**
 * The rule README.md (CLI) documents: `-` and `.json` are requests; URLs, data URIs and image extensions are images;
 * any other file is a request when its first non-blank byte is `{`, else an image.
 */
export async function inputKind(file: string): Promise<RenderInputKind> {
  const ext = extname(file).toLowerCase();
  if (file === '-' || ext === '.json') return 'request';
  if (/^https?:\/\//i.test(file) || isInlineImage(file) || IMAGE_EXTENSIONS.has(ext)) return 'image';
  let head: string;
  try {
    const handle = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0);
      head = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new UsageError(`cannot read "${file}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return head.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'request' : 'image';
}

async function readRequest(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read request file "${file}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`request file "${file}" is not valid JSON: ${(err as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The name default outputs take after the input: `out/<name>.<format>`. */
export function inputName(file: string): string {
  if (file === '-' || isInlineImage(file)) return 'zoomwalk';
  const name = basename(file.replace(/[?#].*$/, ''), extname(file.replace(/[?#].*$/, '')));
  return name === '' ? 'zoomwalk' : name;
}

/**
 * The request body `zoomwalk render` works on: the request file (or an empty request for an
 * image), with the request flags' fields over it.
 */
export async function renderBody(file: string, flags: Readonly<Record<string, unknown>>): Promise<unknown> {
  const fields = requestFieldsFromFlags(flags);
  if ((await inputKind(file)) === 'image') {
    if (fields['walk_type'] === undefined && flags['preset'] === undefined) {
      throw new UsageError(`"${file}" is an image: say how to walk with --walk, e.g. --walk "backward*6,left*2" (or a --preset that has a walk_type)`);
    }
    return { image: file, ...fields };
  }
  const body = await readRequest(file);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return { ...body, ...fields };
}
