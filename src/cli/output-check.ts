import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { isInlineImage } from '../image/load.js';

/** A file the command reads, which its output must never replace. */
export interface InputFile {
  /** What it is to the user: "the request file", "the request's image", "the mask". */
  readonly what: string;
  readonly path: string;
}

/** The local file an image source names, or null for a URL, a data URI or inline base64. */
export function localImagePath(source: string): string | null {
  if (/^(https?|data):/i.test(source) || isInlineImage(source)) return null;
  return source.startsWith('file://') ? new URL(source).pathname : source;
}

/** The file's identity (device and inode, through symlinks), or null when it does not exist. */
function identity(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/** The real path a file would have: its directory's real path and its name (the file itself may not exist yet). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

/**
 * Refuses (exit 2, naming both paths) an output that is one of the command's inputs: the same real
 * path, or the same file reached through a symlink or a hard link.
 */
export function refuseOverwrite(outputs: readonly string[], inputs: readonly InputFile[]): void {
  for (const output of outputs) {
    const outReal = realPath(output);
    const outId = identity(output);
    for (const input of inputs) {
      if (realPath(input.path) === outReal || (outId !== null && identity(input.path) === outId)) {
        throw new UsageError(`refusing to write the output "${output}" over ${input.what} "${input.path}" (both are ${outReal}); choose another -o`);
      }
    }
  }
}

/** The lower-case extension of a path without its dot ("" for none). */
export function extensionOf(path: string): string {
  return extname(path).slice(1).toLowerCase();
}
