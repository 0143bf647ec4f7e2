import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedJobQueue, type EmbeddedQueueOptions } from '../../../src/server/jobs/embedded-queue.js';
import { SqliteJobStore } from '../../../src/server/jobs/sqlite-store.js';
import type { JobRecord, JobRunner } from '../../../src/server/jobs/types.js';

/** A promise with its resolve and reject at hand. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rejects once the signal fires, as a render does when it is aborted. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('render aborted')), { once: true }));
}

const RESULT = { outputs: ['out.mp4'], meta: { seed: 5 }, generationTime: 1.5 };

let dir: string;
const open: EmbeddedJobQueue[] = [];
/** A queue on the test's data dir, closed after the test. */
function queue(run: JobRunner, extra: Partial<EmbeddedQueueOptions> = {}): EmbeddedJobQueue {
  const q = new EmbeddedJobQueue({ dataDir: join(dir, 'data'), concurrency: 1, run, ...extra });
  open.push(q);
  return q;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-queue-'));
});
afterEach(async () => {
  for (const q of open.splice(0)) await q.close();
  await rm(dir, { recursive: true, force: true });
});

describe('embedded job queue', () => {
  it('runs a submitted job: queued, then processing with progress, then success with outputs and meta', async () => {
    const started = deferred<JobRecord>();
    const release = deferred();
    const finished: JobRecord[] = [];
    const q = queue(
      async (job, report) => {
        started.resolve(job);
        report({ frames: 2, framesTotal: 8, keyframes: 1, keyframesTotal: 2, etaSeconds: 3 });
        await release.promise;
        return RESULT;
      },
      { onFinished: (job) => finished.push(job) },
    );
    const submitted = await q.submit({ prompt: 'p' });
    expect(submitted).toMatchObject({ status: 'queued', request: { prompt: 'p' } });
    const seen = await started.promise;
    expect(seen).toMatchObject({ id: submitted.id, status: 'queued', request: { prompt: 'p' } });
    expect(await q.get(submitted.id)).toMatchObject({ status: 'processing', progress: { frames: 2, framesTotal: 8 } });
    expect(finished).toEqual([]);
    release.resolve();
    const done = await q.waitFor(submitted.id, 5000);
    expect(done).toMatchObject({ status: 'success', outputs: ['out.mp4'], meta: { seed: 5 }, generationTime: 1.5, progress: null, error: null });
    expect(finished).toEqual([done]);
    expect(await q.list(5)).toEqual([done]);
  });

  it('records a runner failure as an error with its message', async () => {
    const q = queue(async (job) => {
      if (job.request['thrown'] === 'string') throw 'plain string';
      throw new Error('engine "x": exploded');
    });
    const a = await q.submit({});
    const b = await q.submit({ thrown: 'string' });
    expect(await q.waitFor(a.id, 5000)).toMatchObject({ status: 'error', error: 'engine "x": exploded', outputs: [] });
    expect(await q.waitFor(b.id, 5000)).toMatchObject({ status: 'error', error: 'plain string' });
  });

  it('cancels a queued job: it never runs', async () => {
    const ran: string[] = [];
    const release = deferred();
    const finished: string[] = [];
    const q = queue(
      async (job) => {
        ran.push(job.id);
        await release.promise;
        return RESULT;
      },
      { onFinished: (job) => finished.push(`${job.id}:${job.status}`) },
    );
    const first = await q.submit({});
    const second = await q.submit({});
    expect(await q.cancel(second.id)).toBe(true);
    expect(await q.get(second.id)).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    expect(finished).toEqual([`${second.id}:cancelled`]);
    release.resolve();
    expect(await q.waitFor(first.id, 5000)).toMatchObject({ status: 'success' });
    expect(ran).toEqual([first.id]);
    expect(await q.get(second.id)).toMatchObject({ status: 'cancelled' });
  });

  it('cancels a running job: its signal fires and it stays cancelled whatever the runner does after', async () => {
    const started = deferred<AbortSignal>();
    const q = queue(async (job, _report, signal) => {
      if (!job.request['hold']) return RESULT;
      started.resolve(signal);
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      // A runner that ignores the abort and "succeeds" anyway must not overwrite the cancel.
      return RESULT;
    });
    const job = await q.submit({ hold: true });
    const signal = await started.promise;
    expect(signal.aborted).toBe(false);
    const waiting = q.waitFor(job.id, 5000);
    expect(await q.cancel(job.id)).toBe(true);
    expect(signal.aborted).toBe(true);
    expect(await waiting).toMatchObject({ status: 'cancelled', error: 'cancelled' });
    // Let the runner's resolution be handled, then look again.
    const next = await q.submit({});
    expect(await q.waitFor(next.id, 5000)).toMatchObject({ status: 'success' });
    expect(await q.get(job.id)).toMatchObject({ status: 'cancelled', outputs: [], meta: null });
  });

  it('cancels only what is unfinished and known', async () => {
    const q = queue(async () => RESULT);
    const job = await q.submit({});
    await q.waitFor(job.id, 5000);
    expect(await q.cancel(job.id)).toBe(false);
    expect(await q.cancel('unknown')).toBe(false);
    expect(await q.get(job.id)).toMatchObject({ status: 'success' });
  });

  it('never runs more than `concurrency` jobs at once', async () => {
    let running = 0;
    let most = 0;
    const q = queue(
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return RESULT;
      },
      { concurrency: 2 },
    );
    const jobs = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => q.submit({ i })));
    const done = await Promise.all(jobs.map((j) => q.waitFor(j.id, 5000)));
    expect(done.map((j) => j?.status)).toEqual(Array(6).fill('success'));
    expect(most).toBe(2);
  });

  it('runs one job at a time when asked for zero or less', async () => {
    let running = 0;
    let most = 0;
    const q = queue(
      async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return RESULT;
      },
      { concurrency: 0 },
    );
    const jobs = await Promise.all([0, 1, 2].map(() => q.submit({})));
    for (const j of jobs) expect(await q.waitFor(j.id, 5000)).toMatchObject({ status: 'success' });
    expect(most).toBe(1);
  });

  it('waitFor answers at once for a finished or unknown job, and after the timeout for a running one', async () => {
    const q = queue((_job, _report, signal) => aborted(signal));
    const job = await q.submit({});
    const t0 = performance.now();
    expect(await q.waitFor(job.id, 40)).toMatchObject({ id: job.id, status: 'processing' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
    expect(await q.waitFor(job.id, 0)).toMatchObject({ status: 'processing' });
    expect(await q.waitFor('unknown', 10_000)).toBeNull();
    await q.cancel(job.id);
    const t1 = performance.now();
    expect(await q.waitFor(job.id, 10_000)).toMatchObject({ status: 'cancelled' });
    expect(performance.now() - t1).toBeLessThan(1000);
  });

  it('re-queues, oldest first, the jobs a crashed process left processing or queued, and runs them', async () => {
    const store = new SqliteJobStore(join(dir, 'data'));
    const interrupted = store.create({ n: 1 });
    store.update(interrupted.id, { status: 'processing', progress: { frames: 4, framesTotal: 9, keyframes: 1, keyframesTotal: 3, etaSeconds: 1 } });
    const waiting = store.create({ n: 2 });
    const over = store.create({ n: 3 });
    store.update(over.id, { status: 'success', outputs: ['old.mp4'] });
    // The process "died": what it wrote is committed, and its exclusive lock (sqlite-store.ts) went with it.
    store.close();
    const ran: unknown[] = [];
    const logs: string[] = [];
    const q = queue(
      async (job) => {
        ran.push(job.request['n']);
        return RESULT;
      },
      { log: (m) => logs.push(m) },
    );
    expect(await q.waitFor(interrupted.id, 5000)).toMatchObject({ status: 'success', outputs: ['out.mp4'], progress: null });
    expect(await q.waitFor(waiting.id, 5000)).toMatchObject({ status: 'success' });
    expect(ran).toEqual([1, 2]);
    expect(logs).toEqual([`requeueing job ${interrupted.id} (was processing)`, `requeueing job ${waiting.id} (was queued)`]);
    expect(await q.get(over.id)).toMatchObject({ status: 'success', outputs: ['old.mp4'] });
  });

  it('leaves a job running at shutdown to the next start, which runs it', async () => {
    const started = deferred();
    const first = new EmbeddedJobQueue({
      dataDir: join(dir, 'data'),
      concurrency: 1,
      run: (_job, _report, signal) => {
        started.resolve();
        return aborted(signal);
      },
    });
    const job = await first.submit({});
    const later = await first.submit({});
    await started.promise;
    await first.close();
    const second = queue(async () => RESULT);
    expect(await second.waitFor(job.id, 5000)).toMatchObject({ status: 'success' });
    expect(await second.waitFor(later.id, 5000)).toMatchObject({ status: 'success' });
  });
});
