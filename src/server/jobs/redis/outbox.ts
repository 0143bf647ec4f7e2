import type { Redis } from 'ioredis';
import { retryDelay } from '../../../http/retry.js';
import { tryWebhook, type WebhookOptions } from '../../webhook.js';
import { KEYS } from './keys.js';

/** One stored delivery. */
interface Hook {
  readonly url: string;
  readonly payload: string;
  attempts: number;
  state: 'pending' | 'delivered' | 'failed';
}

/** A claimed delivery is not tried by another process for this long (a try's timeout and some). */
const LEASE_MS = 30_000;
const MAX_DELAY_MS = 60_000;
const BATCH = 16;
/** Takes a due entry for this process: moves its due time past the lease, only if it is still due. */
const CLAIM = `local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and tonumber(s) <= tonumber(ARGV[2]) then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) return 1 end
return 0`;

/**
 * The webhook outbox of the Redis queue, in Redis so that every worker sees it: a job's delivery is
 * added once (HSETNX on the job id, whichever process ends the job and however many times a
 * stalled job is run) and tried by whichever process claims it first, with the shared backoff.
 * A process that dies mid-try loses its lease, and another tries again after LEASE_MS.
 */
export class RedisOutbox {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly redis: Redis, private readonly o?: WebhookOptions) {}

  /** Stores a finished job's delivery, once per job; false when one was stored before. */
  async add(jobId: string, url: string, payload: unknown): Promise<boolean> {
    const hook: Hook = { url, payload: JSON.stringify(payload), attempts: 0, state: 'pending' };
    if ((await this.redis.hsetnx(KEYS.hook(jobId), 'hook', JSON.stringify(hook))) !== 1) return false;
    await this.redis.zadd(KEYS.outboxDue, Date.now(), jobId);
    this.kick();
    return true;
  }

  /** Forgets a job's delivery (retention removed the job). */
  async forget(jobId: string): Promise<void> {
    await this.redis.multi().del(KEYS.hook(jobId)).zrem(KEYS.outboxDue, jobId).exec();
  }

  /** Starts delivering (workers do; API instances only add). */
  start(everyMs = 1_000): void {
    if (!this.o) throw new Error('RedisOutbox.start needs webhook options');
    this.timer = setInterval(() => this.kick(), everyMs);
    this.timer.unref();
    this.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    await this.running;
  }

  private kick(): void {
    if (this.closed || this.running || !this.o || !this.timer) return;
    this.running = this.pump()
      .catch((err: unknown) => this.o?.log?.(`webhook outbox: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (this.running = null));
  }

  private async pump(): Promise<void> {
    for (;;) {
      const now = Date.now();
      const due = await this.redis.zrangebyscore(KEYS.outboxDue, '-inf', now, 'LIMIT', 0, BATCH);
      const mine: string[] = [];
      for (const id of due) if ((await this.redis.eval(CLAIM, 1, KEYS.outboxDue, id, now, now + LEASE_MS)) === 1) mine.push(id);
      if (mine.length === 0 || this.closed) return;
      await Promise.all(mine.map((id) => this.deliver(id)));
    }
  }

  private async deliver(jobId: string): Promise<void> {
    const o = this.o!;
    const raw = await this.redis.hget(KEYS.hook(jobId), 'hook');
    if (!raw) return void (await this.redis.zrem(KEYS.outboxDue, jobId));
    const hook = JSON.parse(raw) as Hook;
    const attempt = hook.attempts + 1;
    const result = await tryWebhook(hook.url, jobId, hook.payload, o, attempt, this.abort.signal);
    // A try cut short by the shutdown is not counted: the lease lapses and someone tries again.
    if (this.closed && !result.ok) return;
    hook.attempts = attempt;
    if (result.ok || attempt >= o.tries || result.refused) {
      if (!result.ok) o.log?.(`webhook ${hook.url}: giving up on job ${jobId} after ${attempt} attempts`);
      hook.state = result.ok ? 'delivered' : 'failed';
      await this.redis.multi().hset(KEYS.hook(jobId), 'hook', JSON.stringify(hook)).zrem(KEYS.outboxDue, jobId).exec();
      return;
    }
    const wait = retryDelay(attempt - 1, result.retryAfter, { baseMs: o.baseDelayMs, maxMs: MAX_DELAY_MS });
    await this.redis.multi().hset(KEYS.hook(jobId), 'hook', JSON.stringify(hook)).zadd(KEYS.outboxDue, Date.now() + wait, jobId).exec();
  }
}
