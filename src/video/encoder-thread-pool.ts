import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.js';

// Encoder threads wait between encodes (unreferenced, so they never keep the process alive):
// a render, or a server running jobs one after another, starts one thread, not one per video.
const idleThreads: EncoderThread[] = [];
const MAX_IDLE_THREADS = 2;
let sessions = 0;

/** A fresh id for an encode; the thread's replies carry it. */
export function nextSession(): number {
  return ++sessions;
}

/**
 * A worker thread that owns ffmpeg, with the frame slots registered with it: memory shared
 * by both threads, kept for the next encode of the same frame size (allocating and zeroing
 * tens of MB per video, and collecting them, costs more than it seems).
 */
export interface EncoderThread {
  readonly worker: Worker;
  slots: Buffer[];
}

/** An encoder thread for one encode: an idle one, or a new one. */
export function takeThread(): EncoderThread {
  const thread = idleThreads.pop() ?? startThread();
  thread.worker.ref();
  return thread;
}

function startThread(): EncoderThread {
  const thread: EncoderThread = { worker: startWorker(import.meta.url, 'encoder-thread'), slots: [] };
  // A thread that fails while idle is dropped; while in use, its encoder reports the failure.
  thread.worker.on('error', () => undefined);
  thread.worker.on('exit', () => {
    const i = idleThreads.indexOf(thread);
    if (i >= 0) idleThreads.splice(i, 1);
  });
  return thread;
}

/** Returns a healthy thread after its encode; it waits, unreferenced, for the next. */
export function giveBackThread(thread: EncoderThread): void {
  if (idleThreads.length >= MAX_IDLE_THREADS) {
    void thread.worker.terminate();
    return;
  }
  thread.worker.unref();
  idleThreads.push(thread);
}

