// The render thread of a Redis worker: runs jobs with the same runners as the embedded queue, off
// the worker's main thread, so a CPU-bound stretch of a render never delays the lock renewal.
import { parentPort, workerData } from 'node:worker_threads';
import { ZoomwalkError } from '../../../errors.js';
import { jobRunner } from '../../runners/dispatch.js';
import type { RunnerOptions } from '../../runners/options.js';
import type { FromThread, ToThread } from './thread-messages.js';

const port = parentPort!;
const post = (m: FromThread): void => port.postMessage(m);
const options = workerData as Omit<RunnerOptions, 'log'>;
const run = jobRunner({ ...options, log: (message) => post({ type: 'log', message }) });
let controller: AbortController | null = null;

port.on('message', (m: ToThread) => {
  if (m.type === 'abort') return void controller?.abort();
  const mine = new AbortController();
  controller = mine;
  run(m.job, (progress) => post({ type: 'progress', progress }), mine.signal).then(
    (result) => post({ type: 'done', result }),
    (err: unknown) => {
      // A typed error crosses as its code, so the main thread still tells a final failure from a transient one.
      const message = err instanceof Error ? err.message : String(err);
      post({ type: 'failed', message, ...(err instanceof ZoomwalkError ? { code: err.code } : {}) });
    },
  ).finally(() => {
    if (controller === mine) controller = null;
  });
});
