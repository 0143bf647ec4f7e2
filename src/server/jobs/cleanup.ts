import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INPUT_FIELD, MASK_FIELD } from './fields.js';
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
 * Removes what a job owns: its stored inputs and checkpoints (when it ends, whatever the end), and
 * with `outputs` its generated files too (retention). Idempotent, and never throws for a file
 * that is already gone.
 */
export function removeJobFiles(dirs: JobDirs, job: JobRecord, outputs: boolean): void {
  removeStoredInputs(dirs.inputsDir, job.request);
  rmSync(inside(dirs.checkpointsDir, job.id), { recursive: true, force: true });
  if (outputs) for (const name of job.outputs) rmSync(inside(dirs.generationsDir, name), { force: true });
}

/** Removes the stored images a job request names (a submission refused after storing them). */
export function removeStoredInputs(inputsDir: string, request: Record<string, unknown>): void {
  for (const field of [INPUT_FIELD, MASK_FIELD]) {
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
 * stored, a crash between storing and queueing) and checkpoints of jobs that are not running any
 * more. Only files last changed before `cutoff` (ms since the epoch) go: a submit in flight has
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
    if ((!job || (job.status !== 'queued' && job.status !== 'processing')) && olderThan(join(dirs.checkpointsDir, id), cutoff)) {
      rmSync(join(dirs.checkpointsDir, id), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
