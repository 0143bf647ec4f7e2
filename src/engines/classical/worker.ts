/** Worker entry: runs refinement jobs (with their bands' colour steps) posted by the pool, one at a time. */
import { parentPort } from 'node:worker_threads';
import { runJob } from './band-job.js';
import type { RefineJob } from './refine-job.js';

interface Request {
  id: number;
  job: RefineJob;
}

parentPort?.on('message', (msg: Request) => {
  try {
    const out = runJob(msg.job);
    parentPort?.postMessage({ id: msg.id, data: out }, [out.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
