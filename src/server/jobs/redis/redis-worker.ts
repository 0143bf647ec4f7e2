import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { ZoomwalkError } from '../../../errors.js';
import { v5Response } from '../../responses.js';
import type { RunnerOptions } from '../../runners/options.js';
import type { WebhookOptions } from '../../webhook.js';
import { directoryStore } from '../artifact-store.js';
import { removeJobFiles } from '../cleanup.js';
import type { JobRecord } from '../types.js';
import { redisOptions, type RedisTarget } from './connection.js';
import { KEYS, LOCK_MS, MAX_STALLED, QUEUE_NAME, STALLED_MS } from './keys.js';
import { RedisOutbox } from './outbox.js';
import { type BullJobView, CANCELLED_REASON, recordOf, type RedisJobData, type RedisJobResult } from './records.js';
import { threadedRunner } from './thread-runner.js';

/** What `zoomwalk worker` (and `serve --workers N`) runs with. */
export interface RedisWorkerOptions {
  readonly target: RedisTarget;
  /** The shared store's directories and the engine, as `serve` gives its own runner. */
  readonly runner: RunnerOptions;
  readonly concurrency: number;
  readonly webhook: WebhookOptions;
  readonly log: (message: string) => void;
}

/** A running worker: `close` hands its jobs back to the queue (SIGTERM) and stops. */
export interface RunningWorker {
  readonly name: string;
  close(): Promise<void>;
}

/** How often a running job's cancel flag is read, and progress written (at most). */
const CANCEL_POLL_MS = 250;
const PROGRESS_MS = 1_000;

/** A failure worth another try: anything but a typed zoomwalk error (a bad image, an engine that failed after its own retries, ffmpeg). */
function transient(err: unknown): boolean {
  return !(err instanceof ZoomwalkError);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * A BullMQ worker that renders jobs with the same runners as the embedded queue. The processor
 * holds the job in this thread and runs the render on a worker thread (thread-runner.ts), so the
 * lock is renewed every LOCK_MS / 2 however long a render computes without yielding
 * (test/integration/queue/redis-stall.test.ts holds it to that). Each job polls its
 * cancel flag; its keyframes are checkpointed in the shared store, so a job taken over from a
 * dead or stopping worker resumes where it was.
 */
export async function startRedisWorker(o: RedisWorkerOptions): Promise<RunningWorker> {
  const renderer = threadedRunner(o.runner);
  const run = renderer.run;
  const flags = new Redis({ ...redisOptions(o.target), maxRetriesPerRequest: 1 });
  flags.on('error', () => undefined);
  const outbox = new RedisOutbox(flags, o.webhook);
  const stops = new Map<string, (why: 'cancel' | 'handover') => void>();
  const dirs = { generationsDir: o.runner.generationsDir, inputsDir: o.runner.inputsDir, checkpointsDir: o.runner.checkpointsDir };
  // No spaces: it becomes part of the Redis client name that getWorkers() (live workers in /health) reads.
  // A finished render's result is kept in the store until Redis has recorded it: a job whose
  // completion was lost (Redis down as it ended, then its lock lapsed) is not rendered again.
  const store = directoryStore(join(o.runner.checkpointsDir, '..'));
  const resultName = (id: string): string => `${id}.result.json`;
  const savedResult = async (id: string): Promise<RedisJobResult | null> => {
    try {
      return JSON.parse(await readFile(join(dirs.checkpointsDir, resultName(id)), 'utf8')) as RedisJobResult;
    } catch {
      return null;
    }
  };
  const cleanUp = (job: Job<RedisJobData> | undefined): void => {
    if (!job?.id) return;
    removeJobFiles(dirs, recordOf(job as unknown as BullJobView, 'failed', false), { inputs: true, outputs: false, checkpoints: true });
    void rm(join(dirs.checkpointsDir, resultName(job.id)), { force: true });
  };
  const name = `zoomwalk-${hostname()}-${process.pid}`;

  const hook = async (job: Job<RedisJobData>, record: JobRecord): Promise<void> => {
    const url = record.request['webhook'];
    if (typeof url === 'string' && url) await outbox.add(record.id, url, v5Response(record, job.data.base));
  };
  const ended = (job: Job<RedisJobData>, state: string, extra: Partial<BullJobView>): JobRecord => recordOf({ ...(job as unknown as BullJobView), ...extra, finishedOn: Date.now() }, state, false);

  const processor = async (job: Job<RedisJobData>, token?: string): Promise<RedisJobResult> => {
    const id = job.id!;
    const controller = new AbortController();
    // An object, not a let: the stop arrives from a callback, and TS would narrow a local away.
    const stop: { why: 'cancel' | 'handover' | null } = { why: null };
    stops.set(id, (w) => {
      stop.why ??= w;
      controller.abort();
    });
    let polling = false;
    const poll = setInterval(() => {
      if (polling) return;
      polling = true;
      flags.exists(KEYS.cancel(id)).then((n) => n === 1 && stops.get(id)?.('cancel'), () => undefined).finally(() => (polling = false));
    }, CANCEL_POLL_MS);
    o.log(`job ${id}: started (attempt ${job.attemptsMade + 1})`);
    try {
      if ((await flags.exists(KEYS.cancel(id))) === 1) stop.why = 'cancel';
      if (stop.why) throw new Error(CANCELLED_REASON);
      const saved = await savedResult(id);
      if (saved) {
        o.log(`job ${id}: already rendered; its result is recorded now`);
        return saved;
      }
      let last = 0;
      const result = await run(recordOf(job as unknown as BullJobView, 'active', false), (p) => {
        if (Date.now() - last < PROGRESS_MS) return;
        last = Date.now();
        job.updateProgress(p).catch(() => undefined);
      }, controller.signal);
      if (stop.why) throw new Error(CANCELLED_REASON);
      await store.put('checkpoints', resultName(id), Buffer.from(JSON.stringify(result)));
      await hook(job, ended(job, 'completed', { returnvalue: result }));
      o.log(`job ${id}: ended success`);
      return result;
    } catch (err) {
      if (stop.why === 'handover') {
        // SIGTERM: the job goes back to the queue at once (no stall); its checkpoints stay for the next worker.
        await job.moveToWait(token);
        o.log(`job ${id}: handed back to the queue`);
        throw new WaitingError();
      }
      if (stop.why === 'cancel') {
        const cancelled = ended(job, 'failed', { failedReason: CANCELLED_REASON });
        await hook(job, cancelled);
        o.log(`job ${id}: ended cancelled`);
        throw new UnrecoverableError(CANCELLED_REASON);
      }
      if (transient(err) && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
        o.log(`job ${id}: failed (${message(err)}); tried again later`);
        throw err;
      }
      const failed = ended(job, 'failed', { failedReason: message(err) });
      await hook(job, failed);
      o.log(`job ${id}: ended error: ${message(err)}`);
      throw new UnrecoverableError(message(err));
    } finally {
      clearInterval(poll);
      stops.delete(id);
    }
  };

  const worker = new Worker<RedisJobData, RedisJobResult>(QUEUE_NAME, processor, {
    connection: { ...redisOptions(o.target), maxRetriesPerRequest: null },
    concurrency: Math.max(1, o.concurrency),
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_MS,
    maxStalledCount: MAX_STALLED,
    name,
    autorun: true,
  });
  // Inputs and the kept result go once Redis has the job's end, not before: until then it may run again.
  worker.on('completed', (job) => cleanUp(job));
  worker.on('failed', (job, err) => {
    if (err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || (job && job.attemptsMade >= (job.opts.attempts ?? 1))) cleanUp(job);
  });
  worker.on('error', (err) => o.log(`redis: ${message(err)}`));
  worker.on('stalled', (id) => o.log(`job ${id}: stalled (its worker stopped renewing the lock); run again`));
  outbox.start();
  await worker.waitUntilReady();
  return {
    name,
    async close() {
      for (const stop of stops.values()) stop('handover');
      await worker.close();
      await renderer.close();
      await outbox.close();
      flags.disconnect();
    },
  };
}
