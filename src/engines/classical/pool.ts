/**
 * A small lazily-started pool of refinement workers. Cancelling terminates the busy workers
 * (PatchMatch loops don't yield), and fresh ones are started on the next run.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../threads/start-worker.js';
import { AbortError } from '../../errors.js';
import type { RefineJob } from './refine-job.js';

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class RefinePool {
  private readonly slots: Slot[] = [];
  private nextId = 1;

  constructor(private readonly size: number) {}

  /** Runs the jobs on up to `size` workers; rejects with AbortError as soon as `signal` fires. */
  run(jobs: readonly RefineJob[], signal?: AbortSignal): Promise<Uint8Array[]> {
    if (signal?.aborted) return Promise.reject(new AbortError());
    return new Promise((resolve, reject) => {
      const results: Uint8Array[] = new Array<Uint8Array>(jobs.length);
      let next = 0;
      let done = 0;
      let finished = false;
      const active = new Set<Slot>();
      const finish = (err?: Error): void => {
        if (finished) return;
        finished = true;
        signal?.removeEventListener('abort', onAbort);
        if (err) {
          // A worker still busy on a job we no longer want is killed rather than waited for.
          for (const s of active) this.discard(s);
          reject(err);
        } else resolve(results);
      };
      const onAbort = (): void => finish(new AbortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      const pump = (): void => {
        while (!finished && next < jobs.length) {
          const slot = this.idleSlot();
          if (!slot) return;
          const index = next++;
          const id = this.nextId++;
          slot.busy = true;
          active.add(slot);
          const onMessage = (msg: { id: number; data?: Uint8Array; error?: string }): void => {
            if (msg.id !== id) return;
            cleanup();
            slot.busy = false;
            active.delete(slot);
            if (msg.error !== undefined || !msg.data) return finish(new Error(`classical worker failed: ${msg.error ?? 'no data'}`));
            results[index] = msg.data;
            if (++done === jobs.length) finish();
            else pump();
          };
          const onError = (err: Error): void => {
            cleanup();
            active.delete(slot);
            this.discard(slot);
            finish(err);
          };
          const cleanup = (): void => {
            slot.worker.off('message', onMessage);
            slot.worker.off('error', onError);
          };
          slot.worker.on('message', onMessage);
          slot.worker.on('error', onError);
          slot.worker.postMessage({ id, job: jobs[index] });
        }
      };
      if (jobs.length === 0) finish();
      else pump();
    });
  }

  /** Terminates every worker. */
  async close(): Promise<void> {
    const all = this.slots.splice(0);
    await Promise.all(all.map((s) => s.worker.terminate()));
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
