import { hostname } from 'node:os';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { ZoomwalkError } from '../../../errors.js';
import { v5Response } from '../../responses.js';
import { jobRunner } from '../../runners/dispatch.js';
import type { RunnerOptions } from '../../runners/options.js';
import type { WebhookOptions } from '../../webhook.js';
import { removeJobFiles } from '../cleanup.js';
import type { JobRecord } from '../types.js';
import { redisOptions, type RedisTarget } from './connection.js';
import { KEYS, LOCK_MS, MAX_STALLED, QUEUE_NAME, STALLED_MS } from './keys.js';
import { RedisOutbox } from './outbox.js';
import { type BullJobView, CANCELLED_REASON, recordOf, type RedisJobData, type RedisJobResult } from './records.js';

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
 * runs in this thread: the render yields to the event loop between frames (the encoder and the
 * classical engine have threads of their own), so the lock is renewed every LOCK_MS / 2 even
 * under load (test/integration/queue/redis-stall.test.ts holds it to that). Each job polls its
 * cancel flag; its keyframes are checkpointed in the shared store, so a job taken over from a
 * dead or stopping worker resumes where it was.
 */
export async function startRedisWorker(o: RedisWorkerOptions): Promise<RunningWorker> {
  const run = jobRunner(o.runner);
  const flags = new Redis({ ...redisOptions(o.target), maxRetriesPerRequest: 1 });
  flags.on('error', () => undefined);
  const outbox = new RedisOutbox(flags, o.webhook);
  const stops = new Map<string, (why: 'cancel' | 'handover') => void>();
  const dirs = { generationsDir: o.runner.generationsDir, inputsDir: o.runner.inputsDir, checkpointsDir: o.runner.checkpointsDir };
  // No spaces: it becomes part of the Redis client name that getWorkers() (live workers in /health) reads.
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
      let last = 0;
      const result = await run(recordOf(job as unknown as BullJobView, 'active', false), (p) => {
        if (Date.now() - last < PROGRESS_MS) return;
        last = Date.now();
        job.updateProgress(p).catch(() => undefined);
      }, controller.signal);
      if (stop.why) throw new Error(CANCELLED_REASON);
      const done = ended(job, 'completed', { returnvalue: result });
      await hook(job, done);
      removeJobFiles(dirs, done, { inputs: true, outputs: false });
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
        removeJobFiles(dirs, cancelled, { inputs: true, outputs: false });
        o.log(`job ${id}: ended cancelled`);
        throw new UnrecoverableError(CANCELLED_REASON);
      }
      if (transient(err) && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
        o.log(`job ${id}: failed (${message(err)}); tried again later`);
        throw err;
      }
      const failed = ended(job, 'failed', { failedReason: message(err) });
      await hook(job, failed);
      removeJobFiles(dirs, failed, { inputs: true, outputs: false });
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
  worker.on('error', (err) => o.log(`redis: ${message(err)}`));
  worker.on('stalled', (id) => o.log(`job ${id}: stalled (its worker stopped renewing the lock); run again`));
  outbox.start();
  await worker.waitUntilReady();
  return {
    name,
    async close() {
      for (const stop of stops.values()) stop('handover');
      await worker.close();
      await outbox.close();
      flags.disconnect();
    },
  };
}
