import { EventEmitter, once } from 'node:events';
import PQueue from 'p-queue';
import { DISK_FULL_JOB_MESSAGE, ensureFreeSpace, isDiskFull } from './disk-full.js';
import { IdempotencyTable } from './idempotency-table.js';
import { SqliteJobStore } from './sqlite-store.js';
import type { JobPage, JobPageQuery, JobQueue, JobRecord, JobRunner, QueueStats, SubmitOptions } from './types.js';

/** Options of the in-process queue. */
export interface EmbeddedQueueOptions {
  readonly dataDir: string;
  readonly concurrency: number;
  readonly run: JobRunner;
  /** The store to use (the server shares its connection with the webhook outbox); default: one under dataDir. */
  readonly store?: SqliteJobStore;
  /** Submissions are refused (507) while less than this many bytes are free in dataDir (default 0). */
  readonly minFreeBytes?: number;
  /** A submission was refused after its images were stored: they go now, not at the next sweep. */
  readonly onRejected?: (request: Record<string, unknown>) => void;
  /**
   * Once per job, when it ends (success, error or cancel). `persisted` is false when the disk was
   * too full to record the end: the next start runs the job again, so it still needs its input.
   */
  readonly onFinished?: (job: JobRecord, persisted: boolean) => void;
  /** When the run of a cancelled job has stopped: files it wrote after the cancel can go now. */
  readonly afterCancel?: (job: JobRecord) => void;
  readonly log?: (message: string) => void;
}

/**
 * The embedded JobQueue: p-queue runs jobs in this process, SQLite keeps their state. On start,
 * jobs left queued or processing by a previous process (a crash, a restart) are queued again; the
 * runner resumes them from their keyframe checkpoints (see checkpoints.ts).
 */
export class EmbeddedJobQueue implements JobQueue {
  private readonly store: SqliteJobStore;
  private readonly keys: IdempotencyTable;
  private readonly queue: PQueue;
  private readonly running = new Map<string, AbortController>();
  private readonly events = new EventEmitter();
  private closed = false;

  constructor(private readonly opts: EmbeddedQueueOptions) {
    this.store = opts.store ?? new SqliteJobStore(opts.dataDir);
    this.keys = new IdempotencyTable(this.store.database);
    this.queue = new PQueue({ concurrency: Math.max(1, opts.concurrency) });
    this.events.setMaxListeners(0);
    for (const job of this.store.unfinished()) {
      opts.log?.(`requeueing job ${job.id} (was ${job.status})`);
      this.enqueue(job.id);
    }
  }

  // The store is synchronous (better-sqlite3); the interface is not, for queues that are.
  submit(request: Record<string, unknown>, owner: string | null = null, options: SubmitOptions = {}): Promise<JobRecord> {
    try {
      const key = options.idempotencyKey;
      const earlier = key === undefined ? null : this.keys.lookup(owner, key);
      const existing = earlier ? this.store.get(earlier) : null;
      if (existing) {
        // A repeat: the first submission's job, and this one's stored images are not needed.
        this.opts.onRejected?.(request);
        return Promise.resolve(existing);
      }
      ensureFreeSpace(this.opts.dataDir, 0, this.opts.minFreeBytes ?? 0);
      const job = this.store.create(request, owner);
      if (key !== undefined) this.rememberKey(owner, key, job.id);
      this.enqueue(job.id);
      return Promise.resolve(job);
    } catch (err) {
      this.opts.onRejected?.(request);
      return Promise.reject(err as Error);
    }
  }

  get(id: string): Promise<JobRecord | null> {
    return Promise.resolve(this.store.get(id));
  }

  list(limit: number): Promise<JobRecord[]> {
    return Promise.resolve(this.store.list(limit));
  }

  page(query: JobPageQuery): Promise<JobPage> {
    try {
      return Promise.resolve(this.store.page(query));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  finishedBefore(before: number, limit: number): Promise<JobRecord[]> {
    return Promise.resolve(this.store.finishedBefore(before, limit));
  }

  inputsInUse(): Promise<Set<string>> {
    return Promise.resolve(this.store.inputsInUse());
  }

  remove(id: string): Promise<void> {
    const job = this.store.get(id);
    // A queued or running job is never removed under its runner.
    if (job && (job.status === 'queued' || job.status === 'processing' || this.running.has(id))) return Promise.resolve();
    this.store.remove(id);
    this.keys.forget(id);
    return Promise.resolve();
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

  stats(): Promise<QueueStats> {
    return Promise.resolve({ backend: 'embedded', depth: this.queue.size, active: this.running.size, workers: 1 });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.queue.clear();
    for (const c of this.running.values()) c.abort();
    await this.queue.onIdle();
    this.store.close();
  }

  /** The job is queued already: a key that cannot be written (full disk) only costs the repeat its deduplication. */
  private rememberKey(owner: string | null, key: string, id: string): void {
    try {
      this.keys.remember(owner, key, id);
    } catch (err) {
      this.opts.log?.(`job ${id}: its Idempotency-Key was not stored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private enqueue(id: string): void {
    // A failure outside the render (the store, a callback) is logged: it must never end the process.
    this.queue.add(() => this.execute(id)).catch((err: unknown) => this.opts.log?.(`job ${id}: ${err instanceof Error ? err.message : String(err)}`));
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
      if (!controller.signal.aborted) this.store.update(id, { status: 'error', error: this.failure(id, err) });
    } finally {
      this.running.delete(id);
      // A cancel has already announced itself; a shutdown announces nothing.
      if (!this.closed && !controller.signal.aborted) this.finished(id);
      else if (!this.closed) this.opts.afterCancel?.(this.store.get(id) ?? job);
    }
  }

  /** A failed job's message: "disk full" without the path when it ran out of space (the log has the detail). */
  private failure(id: string, err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    if (!isDiskFull(err)) return message;
    this.opts.log?.(`job ${id}: out of space: ${message}`);
    return DISK_FULL_JOB_MESSAGE;
  }

  private finished(id: string): void {
    this.events.emit(id);
    const job = this.store.get(id);
    if (!job || job.status === 'queued' || job.status === 'processing') return;
    try {
      this.opts.onFinished?.(job, !this.store.isHeld(id));
    } catch (err) {
      this.opts.log?.(`job ${id}: after finishing: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
