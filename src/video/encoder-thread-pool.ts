import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.js';

// Encoder threads wait between encodes (unreferenced, so they never keep the process alive):
// a render, or a server running jobs one after another, starts one thread, not one per video.
const idleThreads: Worker[] = [];
const MAX_IDLE_THREADS = 2;
let sessions = 0;

/** A fresh id for an encode; the thread's replies carry it. */
export function nextSession(): number {
  return ++sessions;
}

/** An encoder thread for one encode: an idle one, or a new one. */
export function takeThread(): Worker {
  const worker = idleThreads.pop() ?? startThread();
  worker.ref();
  return worker;
}

function startThread(): Worker {
  const worker = startWorker(import.meta.url, 'encoder-thread');
  // A thread that fails while idle is dropped; while in use, its encoder reports the failure.
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    const i = idleThreads.indexOf(worker);
    if (i >= 0) idleThreads.splice(i, 1);
  });
  return worker;
}

/** Returns a healthy thread after its encode; it waits, unreferenced, for the next. */
export function giveBackThread(worker: Worker): void {
  if (idleThreads.length >= MAX_IDLE_THREADS) {
    void worker.terminate();
    return;
  }
  worker.unref();
  idleThreads.push(worker);
}

