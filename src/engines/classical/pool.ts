/**
 * A small lazily-started pool of refinement workers with one queue shared by every run, so a fill
 * can hand over one band's jobs while it still quilts the next band. Cancelling terminates the busy
 * workers of that run (PatchMatch loops don't yield), and fresh ones are started on the next run.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../threads/start-worker.js';
import { AbortError } from '../../errors.js';
import type { RefineJob } from './refine-job.js';

interface Slot {
  worker: Worker;
  busy: boolean;
}

/** One run's bookkeeping: its results so far and how it ends. */
interface Run {
  results: Uint8Array[];
  left: number;
  finished: boolean;
  active: Set<Slot>;
  finish: (err?: Error) => void;
}

interface Queued {
  run: Run;
  index: number;
  job: RefineJob;
}

export class RefinePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private nextId = 1;

  constructor(private readonly size: number) {}

  /** Runs the jobs on up to `size` workers (after jobs queued earlier); rejects with AbortError as soon as `signal` fires. */
  run(jobs: readonly RefineJob[], signal?: AbortSignal): Promise<Uint8Array[]> {
    if (signal?.aborted) return Promise.reject(new AbortError());
    return new Promise((resolve, reject) => {
      const run: Run = {
        results: new Array<Uint8Array>(jobs.length),
        left: jobs.length,
        finished: false,
        active: new Set(),
        finish: (err?: Error): void => {
          if (run.finished) return;
          run.finished = true;
          signal?.removeEventListener('abort', onAbort);
          if (err) {
            // Jobs not started are dropped; a worker still busy on one we no longer want is killed.
            for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.run === run) this.queue.splice(i, 1);
            for (const s of run.active) this.discard(s);
            run.active.clear();
            reject(err);
            // Other runs' queued jobs get the workers started in place of the killed ones.
            this.pump();
          } else resolve(run.results);
        },
      };
      const onAbort = (): void => run.finish(new AbortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      if (jobs.length === 0) return run.finish();
      jobs.forEach((job, index) => this.queue.push({ run, index, job }));
      this.pump();
    });
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    const all = this.slots.splice(0);
    await Promise.all(all.map((s) => s.worker.terminate()));
  }

  /** Starts queued jobs on idle workers, oldest first. */
  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.idleSlot();
      if (!slot) return;
      const { run, index, job } = this.queue.shift()!;
      const id = this.nextId++;
      slot.busy = true;
      run.active.add(slot);
      const onMessage = (msg: { id: number; data?: Uint8Array; error?: string }): void => {
        if (msg.id !== id) return;
        cleanup();
        slot.busy = false;
        run.active.delete(slot);
        if (msg.error !== undefined || !msg.data) run.finish(new Error(`classical worker failed: ${msg.error ?? 'no data'}`));
        else {
          run.results[index] = msg.data;
          if (--run.left === 0) run.finish();
        }
        this.pump();
      };
      const onError = (err: Error): void => {
        cleanup();
        run.active.delete(slot);
        this.discard(slot);
        run.finish(err);
        this.pump();
      };
      const cleanup = (): void => {
        slot.worker.off('message', onMessage);
        slot.worker.off('error', onError);
      };
      slot.worker.on('message', onMessage);
      slot.worker.on('error', onError);
      slot.worker.postMessage({ id, job });
    }
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((s) => !s.busy);
    if (idle) return idle;
    if (this.slots.length >= this.size) return undefined;
    const worker = startWorker(import.meta.url, 'worker');
    worker.unref();
    const slot = { worker, busy: false };
    this.slots.push(slot);
    return slot;
  }

  private discard(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }
}
