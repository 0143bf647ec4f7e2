import type { Worker } from 'node:worker_threads';
import { ZoomwalkError } from '../../../errors.js';
import { startWorker } from '../../../threads/start-worker.js';
import { jobRunner } from '../../runners/dispatch.js';
import type { RunnerOptions } from '../../runners/options.js';
import type { JobRunner } from '../types.js';
import type { FromThread, ToThread } from './thread-messages.js';

/** A job runner whose renders run on worker threads (one per job at a time, kept for the next job). */
export interface ThreadedRunner {
  readonly run: JobRunner;
  /** False when the options cannot cross to a thread (an engine instance, an injected agent): the render runs in this thread. */
  readonly threaded: boolean;
  close(): Promise<void>;
}

/** After an abort (cancel, SIGTERM hand-back) a render thread has this long to stop before it is terminated. */
export const ABORT_GRACE_MS = 1_000;

/**
 * Runs the runners of `jobRunner(o)` on worker threads, so that the thread holding the BullMQ job
 * (its lock renewal, cancel polling, SIGTERM hand-back) is never blocked by a render, however long
 * its synchronous stretches are. The job object and its token stay in this thread; the render
 * thread gets the job record and an abort message, and sends back progress, log lines and the end.
 */
export function threadedRunner(o: RunnerOptions): ThreadedRunner {
  if (typeof o.engine !== 'string' || o.dispatcher || o.lookup) return { run: jobRunner(o), threaded: false, close: async () => undefined };
  const { log, ...data } = o;
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const spawn = (): Worker => {
    const w = startWorker(import.meta.url, 'render-thread', { workerData: data });
    all.add(w);
    w.once('exit', () => {
      all.delete(w);
      const i = idle.indexOf(w);
      if (i >= 0) idle.splice(i, 1);
    });
    return w;
  };
  const run: JobRunner = (job, report, signal) =>
    new Promise((resolve, reject) => {
      const w = idle.pop() ?? spawn();
      let grace: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (keep: boolean, end: () => void): void => {
        if (settled) return;
        settled = true;
        w.off('message', onMessage).off('error', onError).off('exit', onExit);
        signal.removeEventListener('abort', onAbort);
        clearTimeout(grace);
        if (keep) idle.push(w);
        else void w.terminate();
        end();
      };
      const onMessage = (m: FromThread): void => {
        if (m.type === 'progress') report(m.progress);
        else if (m.type === 'log') log?.(m.message);
        else if (m.type === 'done') finish(true, () => resolve(m.result));
        else finish(true, () => reject(m.code ? new ZoomwalkError(m.code, m.message) : new Error(m.message)));
      };
      const onError = (err: Error): void => finish(false, () => reject(err));
      const onExit = (code: number): void => finish(false, () => reject(new Error(`the render thread exited with code ${code}`)));
      // A render stuck in a synchronous stretch does not see the abort: it is terminated, so a cancelled job's engine is not called again.
      const onAbort = (): void => {
        w.postMessage({ type: 'abort' } satisfies ToThread);
        grace = setTimeout(() => finish(false, () => reject(new Error(`aborted; the render thread was stopped after ${ABORT_GRACE_MS} ms`))), ABORT_GRACE_MS);
      };
      w.on('message', onMessage).on('error', onError).on('exit', onExit);
      w.postMessage({ type: 'run', job } satisfies ToThread);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  return {
    run,
    threaded: true,
    async close() {
      await Promise.all([...all].map((w) => w.terminate()));
    },
  };
}
