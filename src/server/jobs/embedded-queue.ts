import { EventEmitter, once } from 'node:events';
import PQueue from 'p-queue';
import { SqliteJobStore } from './sqlite-store.js';
import type { JobQueue, JobRecord, JobRunner } from './types.js';

/** Options of the in-process queue. */
export interface EmbeddedQueueOptions {
  readonly dataDir: string;
  readonly concurrency: number;
  readonly run: JobRunner;
  readonly onFinished?: (job: JobRecord) => void;
  readonly log?: (message: string) => void;
}

/**
 * The embedded JobQueue: p-queue runs jobs in this process, SQLite keeps their state. On start,
 * jobs left queued or processing by a previous process (a crash, a restart) are queued again; the
 * runner resumes them from their keyframe checkpoints (see checkpoints.ts).
 */
export class EmbeddedJobQueue implements JobQueue {
  private readonly store: SqliteJobStore;
  private readonly queue: PQueue;
  private readonly running = new Map<string, AbortController>();
  private readonly events = new EventEmitter();
  private closed = false;

  constructor(private readonly opts: EmbeddedQueueOptions) {
    this.store = new SqliteJobStore(opts.dataDir);
    this.queue = new PQueue({ concurrency: Math.max(1, opts.concurrency) });
    this.events.setMaxListeners(0);
    for (const job of this.store.unfinished()) {
      opts.log?.(`requeueing job ${job.id} (was ${job.status})`);
      this.enqueue(job.id);
    }
  }

  // The store is synchronous (better-sqlite3); the interface is not, for queues that are.
  submit(request: Record<string, unknown>): Promise<JobRecord> {
    const job = this.store.create(request);
    this.enqueue(job.id);
    return Promise.resolve(job);
  }

  get(id: string): Promise<JobRecord | null> {
    return Promise.resolve(this.store.get(id));
  }

  list(limit: number): Promise<JobRecord[]> {
    return Promise.resolve(this.store.list(limit));
  }

  cancel(id: string): Promise<boolean> {
    const job = this.store.get(id);
    if (!job || (job.status !== 'queued' && job.status !== 'processing')) return Promise.resolve(false);
    this.store.update(id, { status: 'cancelled', error: 'cancelled' });
    this.running.get(id)?.abort();
    this.finished(id);
    return Promise.resolve(true);
  }

  async waitFor(id: string, timeoutMs: number): Promise<JobRecord | null> {
    const settled = (j: JobRecord | null): boolean => j === null || (j.status !== 'queued' && j.status !== 'processing');
    const now = this.store.get(id);
    if (settled(now) || timeoutMs <= 0) return now;
    await Promise.race([once(this.events, id), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    return this.store.get(id);
  }

  depth(): Promise<number> {
    // p-queue's waiting tasks: this process's queue, which a restart refills from the store.
    return Promise.resolve(this.queue.size);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.clear();
    for (const c of this.running.values()) c.abort();
    await this.queue.onIdle();
    this.store.close();
  }

  private enqueue(id: string): void {
    void this.queue.add(() => this.execute(id));
  }

  private async execute(id: string): Promise<void> {
    const job = this.store.get(id);
    if (!job || job.status === 'cancelled' || this.closed) return;
    const controller = new AbortController();
    this.running.set(id, controller);
    this.store.update(id, { status: 'processing' });
    try {
      const result = await this.opts.run(job, (progress) => this.store.update(id, { progress }), controller.signal);
      if (!controller.signal.aborted) {
        this.store.update(id, { status: 'success', outputs: result.outputs, meta: result.meta, generationTime: result.generationTime, progress: null });
      }
    } catch (err) {
      // A cancel or a shutdown is not a failure: the record says cancelled, or stays to be resumed.
      if (!controller.signal.aborted) this.store.update(id, { status: 'error', error: err instanceof Error ? err.message : String(err) });
    } finally {
      this.running.delete(id);
      // A cancel has already announced itself; a shutdown announces nothing.
      if (!this.closed && !controller.signal.aborted) this.finished(id);
    }
  }

  private finished(id: string): void {
    this.events.emit(id);
    const job = this.store.get(id);
    if (job && job.status !== 'queued' && job.status !== 'processing') this.opts.onFinished?.(job);
  }
}
