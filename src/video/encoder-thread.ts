/**
 * Worker side of VideoEncoder: owns one ffmpeg process at a time and its stdin. Its event loop
 * does nothing but I/O, so the pipe is refilled the moment ffmpeg reads, even while the main
 * thread is busy compositing the next frame (a 64 KB pipe holds a tenth of a 512² frame).
 * The thread outlives an encode and waits for the next one (VideoEncoder keeps idle threads).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { parentPort } from 'node:worker_threads';
import type { FromEncoderThread, ToEncoderThread } from './encoder-messages.js';

const STDERR_TAIL = 4000;
const port = parentPort!;
const post = (m: FromEncoderThread): void => port.postMessage(m);

let proc: ChildProcessWithoutNullStreams | null = null;
let session = 0;
/** Frame slots (memory shared with the main thread), kept from one encode to the next. */
let slots: Uint8Array[] = [];
/** Slots whose writes finished since the last 'written' message: reported together. */
let written: number[] = [];

function wrote(id: number, slot: number): void {
  if (id !== session) return;
  // Several writes often finish in one turn of the loop: one message for all of them.
  if (written.push(slot) === 1) setImmediate(() => reportWritten(id));
}

function reportWritten(id: number): void {
  if (written.length === 0) return;
  post({ session: id, type: 'written', slots: written });
  written = [];
}

function start(ffmpeg: string, args: readonly string[]): void {
  const id = session;
  let stderr = '';
  let ended = false;
  const p = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  proc = p;
  p.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_TAIL);
  });
  p.stdout.setEncoding('utf8').on('data', (d: string) => {
    // -progress prints key=value blocks; frame= is the count encoded so far.
    const m = /frame=(\d+)\s*$/m.exec(d);
    if (m) post({ session: id, type: 'encoded', frames: Number(m[1]) });
  });
  // EPIPE on stdin is reported through the exit status and stderr instead.
  p.stdin.on('error', () => undefined);
  const finish = (m: Omit<Extract<FromEncoderThread, { type: 'exit' }>, 'session'>): void => {
    if (ended) return;
    ended = true;
    if (proc === p) proc = null;
    post({ ...m, session: id });
  };
  p.on('error', (err) => finish({ type: 'exit', code: null, signal: null, stderr, spawnError: err.message }));
  p.on('close', (code, signal) => finish({ type: 'exit', code, signal, stderr, spawnError: null }));
}

port.on('message', (m: ToEncoderThread) => {
  switch (m.type) {
    case 'start':
      session = m.session;
      written = [];
      start(m.ffmpeg, m.args);
      break;
    case 'slot':
      slots[m.slot] = new Uint8Array(m.memory);
      break;
    case 'reset':
      slots = [];
      break;
    case 'frames':
      if (m.session !== session || !proc) break;
      for (const slot of m.slots) {
        const frame = slots[slot];
        // The slot goes back to the main thread once the kernel has the bytes.
        if (frame) proc.stdin.write(frame, () => wrote(m.session, slot));
      }
      break;
    case 'end':
      proc?.stdin.end();
      break;
    case 'kill':
      if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      break;
  }
});
