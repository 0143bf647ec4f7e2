/**
 * Worker side of VideoEncoder: owns the ffmpeg process and its stdin. Its event loop does
 * nothing but I/O, so the pipe is refilled the moment ffmpeg reads, even while the main
 * thread is busy compositing the next frame (a 64 KB pipe holds a tenth of a 512² frame).
 */
import { spawn } from 'node:child_process';
import { parentPort, workerData } from 'node:worker_threads';
import type { FromEncoderThread, ToEncoderThread } from './encoder-messages.js';

const STDERR_TAIL = 4000;
const port = parentPort!;
const { ffmpeg, args } = workerData as { ffmpeg: string; args: string[] };
const post = (m: FromEncoderThread, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let stderr = '';
const proc = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
proc.stderr.setEncoding('utf8').on('data', (d: string) => {
  stderr = (stderr + d).slice(-STDERR_TAIL);
});
proc.stdout.setEncoding('utf8').on('data', (d: string) => {
  // -progress prints key=value blocks; frame= is the count encoded so far.
  const m = /frame=(\d+)\s*$/m.exec(d);
  if (m) post({ type: 'encoded', frames: Number(m[1]) });
});
// EPIPE on stdin is reported through the exit status and stderr instead.
proc.stdin.on('error', () => undefined);
let ended = false;
const finish = (m: FromEncoderThread): void => {
  if (ended) return;
  ended = true;
  post(m);
  port.close();
};
proc.on('error', (err) => finish({ type: 'exit', code: null, signal: null, stderr, spawnError: err.message }));
proc.on('close', (code, signal) => finish({ type: 'exit', code, signal, stderr, spawnError: null }));

port.on('message', (m: ToEncoderThread) => {
  switch (m.type) {
    case 'frame':
      // The buffer goes back to the main thread's pool once the kernel has the bytes.
      proc.stdin.write(new Uint8Array(m.data), () => post({ type: 'written', data: m.data }, [m.data]));
      break;
    case 'end':
      proc.stdin.end();
      break;
    case 'kill':
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      break;
  }
});
