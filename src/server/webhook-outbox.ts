import { retryDelay } from '../http/retry.js';
import type { OutboxEntry, OutboxStore } from './jobs/outbox-store.js';
import { tryWebhook, type WebhookOptions } from './webhook.js';

/** The longest wait between two tries: the last backoff (32 s + jitter) fits, a Retry-After of an hour does not. */
const MAX_DELAY_MS = 60_000;
/** Deliveries tried at once. */
const BATCH = 16;

/**
 * Delivers the webhook outbox: each job's result is stored (OutboxStore) when the job finishes and
 * POSTed from there with the shared backoff (src/http/retry.ts), so a delivery that was pending
 * when the server stopped is made after the next start, and none is made twice. Deliveries run
 * beside the renders, never holding one up; `close` aborts the one in flight at once (it stays
 * pending, to be made again after the restart).
 */
export class WebhookOutbox {
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(private readonly store: OutboxStore, private readonly o: WebhookOptions) {}

  /** Stores a finished job's delivery (once per job) and starts it. */
  enqueue(jobId: string, url: string, payload: unknown): void {
    if (this.closed) return;
    if (this.store.add(jobId, url, JSON.stringify(payload))) this.kick();
  }

  /** Resumes the deliveries a previous process left pending. */
  start(): void {
    this.kick();
  }

  /** Forgets a job's delivery (retention removed the job). */
  forget(jobId: string): void {
    this.store.remove(jobId);
  }

  /** Stops delivering; what is pending stays stored for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.pumping;
  }

  private kick(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((err: unknown) => this.o.log?.(`webhook outbox: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.pumping = null;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.schedule();
      });
  }

  /** Tries every due delivery, batch by batch, until none is due. */
  private async pump(): Promise<void> {
    for (let due = this.store.due(Date.now(), BATCH); due.length > 0 && !this.closed; due = this.store.due(Date.now(), BATCH)) {
      await Promise.all(due.map((entry) => this.deliver(entry)));
    }
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    const attempt = entry.attempts + 1;
    const result = await tryWebhook(entry.url, entry.jobId, entry.payload, this.o, attempt, this.abort.signal);
    // A try cut short by the shutdown is not counted: it is made again after the restart.
    if (this.closed && !result.ok) return;
    if (result.ok) return this.store.record(entry, { attempts: attempt, nextAt: entry.nextAt, state: 'delivered' });
    if (attempt >= this.o.tries || result.refused) {
      this.o.log?.(`webhook ${entry.url}: giving up on job ${entry.jobId} after ${attempt} attempts`);
      return this.store.record(entry, { attempts: attempt, nextAt: entry.nextAt, state: 'failed' });
    }
    const wait = retryDelay(attempt - 1, result.retryAfter, { baseMs: this.o.baseDelayMs, maxMs: MAX_DELAY_MS });
    this.store.record(entry, { attempts: attempt, nextAt: Date.now() + wait, state: 'pending' });
  }

  /** Wakes up when the next delivery is due. */
  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const at = this.store.nextDue();
    if (at === null) return;
    // unref: a pending retry never keeps the process alive on its own.
    this.timer = setTimeout(() => this.kick(), Math.max(0, at - Date.now())).unref();
  }
}
