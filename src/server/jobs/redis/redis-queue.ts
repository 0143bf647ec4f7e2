import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ValidationError } from '../../../errors.js';
import { v5Response } from '../../responses.js';
import { INPUT_FIELD, MASK_FIELD } from '../fields.js';
import { storedRequest } from '../sqlite-store.js';
import type { JobPage, JobPageQuery, JobQueue, JobRecord, QueueStats, SubmitOptions } from '../types.js';
import { answered, redisOptions, type RedisTarget } from './connection.js';
import { ATTEMPTS, BACKOFF_MS, KEYS, MARK_TTL_S, QUEUE_NAME } from './keys.js';
import { RedisOutbox } from './outbox.js';
import { type BullJobView, recordOf, type RedisJobData } from './records.js';

/** Options of the API side of the Redis queue. */
export interface RedisQueueOptions {
  readonly target: RedisTarget;
  /** The API's base URL, stored with each job for its webhook's links. */
  readonly base: () => string;
  /** A submission was refused after its images were stored: they go now. */
  readonly onRejected?: (request: Record<string, unknown>) => void;
}

const WAITING = ['waiting', 'delayed', 'prioritized'] as const;
const POLL_MS = 200;

function encodeCursor(score: number, id: string): string {
  return Buffer.from(JSON.stringify([score, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string') return [v[0] as number, v[1]];
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError([{ path: 'cursor', message: 'is not a cursor this server handed out (use next_cursor of the previous page)' }]);
}

/**
 * The API side of `--queue redis://…`: jobs are BullMQ jobs (state, progress, results in Redis),
 * run by `zoomwalk worker` processes anywhere (redis-worker.ts). Every call answers within 2 s or
 * fails with 503 ZW_QUEUE_UNAVAILABLE: the connections do not queue commands while Redis is away
 * (`enableOfflineQueue: false`), so a submission during an outage queues nothing.
 */
export class RedisJobQueue implements JobQueue {
  private readonly queue: Queue<RedisJobData>;
  private readonly redis: Redis;
  private readonly outbox: RedisOutbox;

  constructor(private readonly o: RedisQueueOptions) {
    const connection = { ...redisOptions(o.target), enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1_500 };
    this.queue = new Queue<RedisJobData>(QUEUE_NAME, { connection });
    // Errors surface on the calls (503); the event would otherwise end the process.
    this.queue.on('error', () => undefined);
    this.redis = new Redis({ ...connection, lazyConnect: false });
    this.redis.on('error', () => undefined);
    this.outbox = new RedisOutbox(this.redis);
  }

  async submit(request: Record<string, unknown>, owner: string | null = null, options: SubmitOptions = {}): Promise<JobRecord> {
    try {
      return await answered('submit', () => this.add(request, owner, options));
    } catch (err) {
      this.o.onRejected?.(request);
      throw err;
    }
  }

  private async add(request: Record<string, unknown>, owner: string | null, options: SubmitOptions): Promise<JobRecord> {
    let id: string = randomUUID();
    if (options.idempotencyKey !== undefined) {
      const key = KEYS.idempotency(owner, options.idempotencyKey);
      const earlier = (await this.redis.set(key, id, 'EX', MARK_TTL_S, 'NX')) === null ? await this.redis.get(key) : null;
      const job = earlier ? await this.get(earlier) : null;
      if (job) {
        // The repeat's images are not needed: the first submission's are.
        this.o.onRejected?.(request);
        return job;
      }
      if (earlier) id = earlier;
    }
    const data: RedisJobData = { request: storedRequest(request), owner, base: this.o.base() };
    const job = await this.queue.add('render', data, { jobId: id, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: BACKOFF_MS } });
    await this.redis.multi().zadd(KEYS.index, job.timestamp, id).zadd(KEYS.ownerIndex(owner), job.timestamp, id).exec();
    return recordOf(job as unknown as BullJobView, 'waiting', false);
  }

  get(id: string): Promise<JobRecord | null> {
    return answered('get', () => this.read(id));
  }

  private async read(id: string): Promise<JobRecord | null> {
    const job = await this.queue.getJob(id);
    if (!job) return null;
    const [state, flag] = await Promise.all([job.getState(), this.redis.exists(KEYS.cancel(id))]);
    return recordOf(job as unknown as BullJobView, state, flag === 1);
  }

  private async readAll(ids: string[]): Promise<JobRecord[]> {
    const jobs = await Promise.all(ids.map((id) => this.read(id)));
    return jobs.filter((j): j is JobRecord => j !== null);
  }

  list(limit: number): Promise<JobRecord[]> {
    return answered('list', async () => this.readAll(await this.redis.zrevrange(KEYS.index, 0, limit - 1)));
  }

  page(q: JobPageQuery): Promise<JobPage> {
    const key = q.owner === undefined ? KEYS.index : KEYS.ownerIndex(q.owner);
    const after = q.cursor === undefined ? null : decodeCursor(q.cursor);
    return answered('list', async () => {
      // Same-millisecond jobs share a score: fetch the cursor's score again and drop what came before.
      const raw = await this.redis.zrevrangebyscore(key, after ? after[0] : '+inf', '-inf', 'WITHSCORES', 'LIMIT', 0, q.limit + 64);
      const rows: [string, number][] = [];
      for (let i = 0; i < raw.length; i += 2) rows.push([raw[i]!, Number(raw[i + 1])]);
      const fresh = after ? rows.filter(([id, s]) => s < after[0] || id < after[1]) : rows;
      const pageRows = fresh.slice(0, q.limit);
      const jobs = await this.readAll(pageRows.map(([id]) => id));
      const last = pageRows.at(-1);
      const more = fresh.length > q.limit;
      return { jobs: jobs.map(({ id, status, progress, error, createdAt, updatedAt }) => ({ id, status, progress, error, createdAt, updatedAt })), nextCursor: more && last ? encodeCursor(last[1], last[0]) : null };
    });
  }

  finishedBefore(before: number, limit: number): Promise<JobRecord[]> {
    return answered('retention', async () => {
      const jobs = [...(await this.queue.getJobs('completed', 0, limit - 1, true)), ...(await this.queue.getJobs('failed', 0, limit - 1, true))];
      const old = jobs.filter((j) => (j.finishedOn ?? Infinity) < before).sort((a, b) => (a.finishedOn ?? 0) - (b.finishedOn ?? 0));
      return this.readAll(old.slice(0, limit).map((j) => j.id!));
    });
  }

  inputsInUse(): Promise<Set<string>> {
    return answered('inputs', async () => {
      const names = new Set<string>();
      for (const job of await this.queue.getJobs([...WAITING, 'active'])) {
        for (const field of [INPUT_FIELD, MASK_FIELD]) {
          const v = (job.data as RedisJobData).request[field];
          if (typeof v === 'string') names.add(v);
        }
      }
      return names;
    });
  }

  remove(id: string): Promise<void> {
    return answered('remove', async () => {
      const job = await this.queue.getJob(id);
      if (job && !['completed', 'failed'].includes(await job.getState())) return;
      if (job) await job.remove();
      await this.redis.multi().zrem(KEYS.index, id).zrem(KEYS.ownerIndex((job?.data as RedisJobData | undefined)?.owner ?? null), id).del(KEYS.cancel(id)).exec();
      await this.outbox.forget(id);
    });
  }

  cancel(id: string): Promise<boolean> {
    return answered('cancel', async () => {
      const job = await this.read(id);
      if (!job || (job.status !== 'queued' && job.status !== 'processing')) return false;
      // The flag is what the worker running it polls (every 250 ms), on whatever machine.
      if ((await this.redis.set(KEYS.cancel(id), '1', 'EX', MARK_TTL_S, 'NX')) === null) return false;
      const cancelled = (await this.read(id)) ?? job;
      const url = cancelled.request['webhook'];
      const bull = await this.queue.getJob(id);
      if (typeof url === 'string' && url) await this.outbox.add(id, url, v5Response(cancelled, (bull?.data as RedisJobData | undefined)?.base ?? this.o.base()));
      return true;
    });
  }

  async waitFor(id: string, timeoutMs: number): Promise<JobRecord | null> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.get(id);
      if (!job || (job.status !== 'queued' && job.status !== 'processing') || Date.now() >= until) return job;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, until - Date.now()))));
    }
  }

  depth(): Promise<number> {
    return answered('depth', async () => {
      const counts = await this.queue.getJobCounts(...WAITING);
      return Object.values(counts).reduce((a, b) => a + b, 0);
    });
  }

  stats(): Promise<QueueStats> {
    return answered('stats', async () => {
      const [depth, active, workers] = await Promise.all([this.depth(), this.queue.getActiveCount(), this.queue.getWorkersCount()]);
      return { backend: 'redis', depth, active, workers };
    });
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.redis.disconnect();
  }
}
