import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { thumbnailNames } from '../events/thumbnails.js';
import { STORED_FILE_FIELDS } from './fields.js';
import type { JobQueue, JobRecord } from './types.js';

/** The directories a job's files live in (see app.ts). */
export interface JobDirs {
  readonly generationsDir: string;
  readonly inputsDir: string;
  readonly checkpointsDir: string;
}

/** A flat name inside `dir`, whatever a stored record says (no separators, no `..`). */
function inside(dir: string, name: string): string {
  return join(dir, name.replace(/[^A-Za-z0-9._-]/g, '').replace(/^\.+/, ''));
}

/**
 * Which of a job's files to remove: inputs unless the job will run again; checkpoints (with the
 * event journal and the kept input, for redo) on a cancel; outputs and thumbnails at retention or
 * a delete, which take everything.
 */
export interface RemoveWhat {
  readonly inputs: boolean;
  readonly outputs: boolean;
  readonly checkpoints: boolean;
}

/** Everything a job owns: what retention and DELETE /api/jobs/:id?files=true remove. */
export const ALL_FILES: RemoveWhat = { inputs: true, outputs: true, checkpoints: true };

/**
 * Removes what a job owns: its stored inputs (when it ends, whatever the end), its checkpoints
 * (kept after success or failure for redo), and its generated files and keyframe thumbnails.
 * Idempotent, and never throws for a file already gone.
 */
export function removeJobFiles(dirs: JobDirs, job: JobRecord, what: RemoveWhat): void {
  if (what.inputs) removeStoredInputs(dirs.inputsDir, job.request);
  if (what.checkpoints) rmSync(inside(dirs.checkpointsDir, job.id), { recursive: true, force: true });
  if (what.outputs) for (const name of [...job.outputs, ...thumbnailNames(job)]) rmSync(inside(dirs.generationsDir, name), { force: true });
}

/** Removes the stored images a job request names (a submission refused after storing them). */
export function removeStoredInputs(inputsDir: string, request: Record<string, unknown>): void {
  for (const field of STORED_FILE_FIELDS) {
    const name = request[field];
    if (typeof name === 'string' && name) rmSync(inside(inputsDir, name), { force: true });
  }
}

function olderThan(path: string, cutoff: number): boolean {
  try {
    return statSync(path).mtimeMs < cutoff;
  } catch {
    return false;
  }
}

/**
 * Removes stored inputs no queued or running job needs (a request that failed after its image was
 * stored, a crash between storing and queueing) and checkpoints of jobs that no longer exist
 * (a finished job keeps its own until it is removed). Only files last changed before `cutoff` (ms since the epoch) go: a submit in flight has
 * stored its image but not yet queued its job. Returns how many were removed.
 */
export async function sweepOrphans(queue: JobQueue, dirs: JobDirs, cutoff: number): Promise<number> {
  const inUse = await queue.inputsInUse();
  let removed = 0;
  for (const name of readdirSync(dirs.inputsDir)) {
    const path = join(dirs.inputsDir, name);
    if (!inUse.has(name) && olderThan(path, cutoff)) {
      rmSync(path, { recursive: true, force: true });
      removed++;
    }
  }
  for (const id of readdirSync(dirs.checkpointsDir)) {
    const job = await queue.get(id);
    if (!job && olderThan(join(dirs.checkpointsDir, id), cutoff)) {
      rmSync(join(dirs.checkpointsDir, id), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
