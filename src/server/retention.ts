import { UsageError } from '../errors.js';
import { ALL_FILES, type JobDirs, removeJobFiles, sweepOrphans } from './jobs/cleanup.js';
import type { JobQueue } from './jobs/types.js';

/** How long finished jobs are kept by default: 24 h, as the hosted APIs keep their outputs. */
export const DEFAULT_RETENTION_MS = 24 * 3600_000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** Parses `--retention`: `24h`, `90m`, `30s`, `7d`, `1h30m`, or `0` (keep forever); ms. */
export function parseRetention(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === '0') return 0;
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t) {
    throw new UsageError(`--retention: "${text}" is not a duration; use e.g. 24h, 90m, 7d, or 0 to keep jobs forever`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/** What the maintenance timer needs. */
export interface RetentionOptions {
  readonly queue: JobQueue;
  readonly dirs: JobDirs;
  /** Finished jobs older than this (since they ended) are deleted with their files; 0 keeps them. */
  readonly retentionMs: number;
  /** Called with each job removed (the webhook outbox forgets it). */
  readonly onRemoved?: (id: string) => void;
  readonly log?: (message: string) => void;
}

/** An orphaned input younger than this may belong to a submit still in flight. */
const ORPHAN_GRACE_MS = 10 * 60_000;
/** Jobs removed per sweep step, so one sweep never holds the event loop for long. */
const STEP = 200;

/**
 * One sweep: deletes finished jobs past retention (outputs, checkpoints, inputs, then the record)
 * and orphaned inputs and checkpoints. Returns how many jobs were removed.
 */
export async function sweepOnce(o: RetentionOptions, orphanCutoff = Date.now() - ORPHAN_GRACE_MS): Promise<number> {
  let removed = 0;
  if (o.retentionMs > 0) {
    const before = Date.now() - o.retentionMs;
    for (let batch = await o.queue.finishedBefore(before, STEP); batch.length > 0; batch = await o.queue.finishedBefore(before, STEP)) {
      for (const job of batch) {
        // Files first: a sweep cut short leaves a record to find again, never files without one.
        removeJobFiles(o.dirs, job, ALL_FILES);
        await o.queue.remove(job.id);
        o.onRemoved?.(job.id);
        removed++;
      }
      await new Promise((r) => setImmediate(r));
    }
  }
  const orphans = await sweepOrphans(o.queue, o.dirs, orphanCutoff);
  if (removed + orphans > 0) o.log?.(`retention: removed ${removed} expired job(s), ${orphans} orphaned file(s)`);
  return removed;
}

/**
 * Sweeps at start (every orphan older than this start: nothing before it can be in flight) and
 * then on a timer: every quarter of the retention, at least once a minute and at most every 15
 * minutes. `ready` settles when the first sweep is done.
 */
export function startRetention(o: RetentionOptions): { ready: Promise<void>; stop: () => void } {
  const started = Date.now();
  const every = Math.min(15 * 60_000, Math.max(60_000, o.retentionMs / 4 || 15 * 60_000));
  const run = (cutoff: number): Promise<void> =>
    sweepOnce(o, cutoff).then(
      () => undefined,
      (err: unknown) => o.log?.(`retention: ${err instanceof Error ? err.message : String(err)}`),
    );
  const ready = run(started);
  const timer = setInterval(() => void run(Date.now() - ORPHAN_GRACE_MS), every).unref();
  return { ready, stop: () => clearInterval(timer) };
}
