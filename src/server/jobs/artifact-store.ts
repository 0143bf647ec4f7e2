import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, type ReadStream } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobCheckpoints, type JobCheckpoints } from './checkpoints.js';
import type { JobDirs } from './cleanup.js';

/** The three kinds of file a job has: what was submitted, finished keyframes, what was rendered. */
export type ArtifactKind = 'inputs' | 'checkpoints' | 'generations';

/**
 * Where a job's files live, seen the same from every machine: the API stores inputs and serves
 * outputs, workers read inputs and write checkpoints and outputs. Nothing of it goes into Redis.
 * The shipped implementation is a directory (local, or NFS/EFS shared by every machine); the
 * runners and the cleanup take its `dirs`.
 */
export interface ArtifactStore {
  readonly root: string;
  readonly dirs: JobDirs;
  /** Writes a file atomically: a temp file in the same directory, then a rename (no reader sees half a file). */
  put(kind: ArtifactKind, name: string, bytes: Uint8Array): Promise<void>;
  get(kind: ArtifactKind, name: string): Promise<Buffer>;
  /** The size of a file, or null when it is not there (or not a file). */
  size(kind: ArtifactKind, name: string): Promise<number | null>;
  /** Bytes start..end (inclusive) of a file: what a ranged GET /generations answers with. */
  range(kind: ArtifactKind, name: string, start: number, end: number): ReadStream;
  /** The keyframe checkpoints of one job (see checkpoints.ts). */
  checkpoints(jobId: string, width: number, height: number): JobCheckpoints;
}

/** A flat name (no separators, no leading dots): a stored name never leaves its directory. */
function flat(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '').replace(/^\.+/, '');
}

/** The shared-directory ArtifactStore: `<root>/inputs`, `<root>/checkpoints`, `<root>/generations` (the `serve --data` layout). */
export function directoryStore(root: string): ArtifactStore {
  const dirs: JobDirs = { generationsDir: join(root, 'generations'), inputsDir: join(root, 'inputs'), checkpointsDir: join(root, 'checkpoints') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const path = (kind: ArtifactKind, name: string): string => join(root, kind, flat(name));
  return {
    root,
    dirs,
    async put(kind, name, bytes) {
      const target = path(kind, name);
      // Hidden and unique: two machines writing the same name never share a temp file, and the sweeps skip it.
      const tmp = join(root, kind, `.${flat(name)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    get: (kind, name) => readFile(path(kind, name)),
    async size(kind, name) {
      try {
        const info = await stat(path(kind, name));
        return info.isFile() ? info.size : null;
      } catch {
        return null;
      }
    },
    range: (kind, name, start, end) => createReadStream(path(kind, name), { start, end }),
    checkpoints: (jobId, width, height) => jobCheckpoints(dirs.checkpointsDir, jobId, width, height),
  };
}
