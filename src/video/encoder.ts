import { setImmediate } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { readdirSync, rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { AbortError, EncoderError } from '../errors.js';
import type { FromEncoderThread, ToEncoderThread } from './encoder-messages.js';
import { giveBackThread, nextSession, takeThread, type EncoderThread } from './encoder-thread-pool.js';
import { ffmpegPath } from './ffmpeg-path.js';
import { canAddNullInput, rawInputArgs } from './raw-input.js';
import { audioInputArgs, audioOutputArgs, type AudioTrack } from './audio.js';
import { yuvFrameBytes } from '../frames/yuv.js';
import { DEFAULT_ENCODE, outputArgs, type EncodeSettings, type PixelFormat, type VideoFormat } from './containers.js';
/** The hidden file a video is encoded into before it is renamed into place; the pid keeps processes apart. */
export function partialPath(output: string): string {
  return join(dirname(output), `.${basename(output)}.${process.pid}.part`);
}

const PARTIAL = /^\..+\.\d+\.part$/;

/** Removes the partial videos in `dir` left by a process that died mid-encode (their renders run again). */
export function sweepPartials(dir: string): void {
  for (const f of readdirSync(dir)) if (PARTIAL.test(f)) rmSync(join(dir, f), { force: true });
}

/** What the encoder needs to know about the frames it will receive. */
export interface EncoderOptions {
  readonly output: string;
  readonly format: VideoFormat;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Layout of the frames written: interleaved RGB (default) or planar yuv420p (what H.264 and VP9 store). */
  readonly pixelFormat?: PixelFormat;
  readonly settings?: EncodeSettings;
  readonly signal?: AbortSignal;
  /** Called with the number of frames ffmpeg reports as encoded. */
  readonly onEncoded?: (frames: number) => void;
  /** Sound muxed in the same ffmpeg run (mp4/webm), cut or padded to the picture. */
  readonly audio?: AudioTrack;
}

// Frames queued for ffmpeg: enough to cover its start-up and x264's bursty intake (lookahead,
// frame threads), bounded in bytes so memory does not depend on the video's length.
const IN_FLIGHT_BYTES = 32 * 1024 * 1024;
const MIN_IN_FLIGHT = 4;
const MAX_IN_FLIGHT = 64;
const YIELD_EVERY = 4;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  spawnError: string | null;
  threadError: string | null;
}

/**
 * Streams raw frames (rgb24 or yuv420p) into ffmpeg's stdin. A worker thread owns ffmpeg and
 * its pipe, so ffmpeg is fed while this thread composites; frames sit in memory shared with
 * that thread and are reused once written. Output goes to a hidden temporary file renamed
 * into place on success, so a failure or abort never leaves a partial video.
 */
export class VideoEncoder {
  private readonly thread: EncoderThread;
  private readonly worker: Worker;
  private readonly temp: string;
  private exited: Exit | null = null;
  private readonly exit: Promise<void>;
  private readonly frameBytes: number;
  private readonly pixelFormat: PixelFormat;
  /** The thread's frame slots (shared memory), the free ones, and each one's index by memory. */
  private readonly slots: Buffer[];
  private readonly free: number[];
  private readonly slotOf = new Map<ArrayBufferLike, number>();
  private inFlight = 0;
  /** Frames queued here but not yet handed to the thread (they go over in small batches). */
  private unposted: number[] = [];
  private sinceYield = 0;
  private readonly maxInFlight: number;
  private readonly session = nextSession();
  private wake: (() => void) | null = null;
  private readonly onAbort = (): void => this.kill();

  constructor(private readonly opts: EncoderOptions) {
    if (opts.width % 2 !== 0 || opts.height % 2 !== 0) {
      throw new EncoderError(`frame size ${opts.width}×${opts.height} must be even for yuv420p`, '');
    }
    this.pixelFormat = opts.pixelFormat ?? 'rgb24';
    this.frameBytes = this.pixelFormat === 'yuv420p' ? yuvFrameBytes(opts.width, opts.height) : opts.width * opts.height * 3;
    this.maxInFlight = Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, Math.floor(IN_FLIGHT_BYTES / this.frameBytes)));
    this.temp = partialPath(opts.output);
    const ffmpeg = ffmpegPath();
    const raw = rawInputArgs({ pixelFormat: this.pixelFormat, width: opts.width, height: opts.height, fps: opts.fps, frameBytes: this.frameBytes }, canAddNullInput(ffmpeg));
    const audio = opts.audio && opts.format !== 'gif' ? opts.audio : null;
    // The audio file is the input after the frames (and the null input, when there is one).
    const map = audio && raw.map.length === 0 ? ['-map', '0:v'] : raw.map;
    const args = [
      '-hide_banner', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1',
      ...raw.input,
      ...(audio ? audioInputArgs(audio) : []),
      ...map,
      ...(audio ? audioOutputArgs(opts.format, audio, raw.map.length > 0 ? 2 : 1) : []),
      ...outputArgs(opts.format, opts.fps, opts.settings ?? DEFAULT_ENCODE),
      '-y', this.temp,
    ];
    this.thread = takeThread();
    this.worker = this.thread.worker;
    if (this.thread.slots[0]?.length !== this.frameBytes && this.thread.slots.length > 0) {
      this.thread.slots = [];
      this.post({ type: 'reset' });
    }
    this.slots = this.thread.slots;
    this.free = this.slots.map((_, i) => i);
    this.slots.forEach((view, i) => this.slotOf.set(view.buffer, i));
    this.exit = new Promise((resolve) => {
      const done = (e: Exit, healthy: boolean): void => {
        if (this.exited) return;
        this.exited = e;
        this.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (healthy) giveBackThread(this.thread);
        this.wake?.();
        resolve();
      };
      const onMessage = (m: FromEncoderThread): void => {
        if (m.session !== this.session) return;
        if (m.type === 'written') {
          this.inFlight -= m.slots.length;
          this.free.push(...m.slots);
          this.wake?.();
        } else if (m.type === 'encoded') {
          opts.onEncoded?.(m.frames);
        } else {
          done({ code: m.code, signal: m.signal, stderr: m.stderr, spawnError: m.spawnError, threadError: null }, true);
        }
      };
      const onError = (err: Error): void => done({ code: null, signal: null, stderr: '', spawnError: null, threadError: err.message }, false);
      const onExit = (): void => done({ code: null, signal: null, stderr: '', spawnError: null, threadError: 'it stopped unexpectedly' }, false);
      this.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
    this.post({ type: 'start', session: this.session, ffmpeg, args });
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** True once at least half the frames the encoder may queue are waiting for ffmpeg. */
  get wellFed(): boolean {
    return this.inFlight * 2 >= this.maxInFlight;
  }

  /**
   * A frame-sized buffer to render into: a slot of memory shared with the encoder thread, so
   * writing it costs no copy and no transfer. It is reused once ffmpeg's pipe has the frame.
   */
  frameBuffer(): Buffer {
    const slot = this.free.pop();
    if (slot !== undefined) return this.slots[slot]!;
    const view = Buffer.from(new SharedArrayBuffer(this.frameBytes));
    this.slotOf.set(view.buffer, this.slots.length);
    this.post({ type: 'slot', slot: this.slots.length, memory: view.buffer as SharedArrayBuffer });
    this.slots.push(view);
    return view;
  }

  /**
   * Hands one frame to the encoder thread and returns once at most a bounded number (about
   * 32 MB) are queued. A buffer from frameBuffer() is passed as is (do not touch it after);
   * any other is copied into one.
   */
  async write(frame: Uint8Array): Promise<void> {
    if (frame.length !== this.frameBytes) {
      throw new EncoderError(`frame has ${frame.length} bytes, expected ${this.frameBytes} (${this.opts.width}×${this.opts.height} ${this.pixelFormat})`, '');
    }
    this.checkAlive();
    let slot = frame.byteOffset === 0 ? this.slotOf.get(frame.buffer) : undefined;
    if (slot === undefined) {
      const into = this.frameBuffer();
      into.set(frame);
      slot = this.slotOf.get(into.buffer)!;
    }
    this.unposted.push(slot);
    this.inFlight++;
    // While the thread still has frames to write, hand new ones over a few at a time.
    if (this.inFlight - this.unposted.length < 2 || this.unposted.length >= 4) this.postFrames();
    while (this.inFlight > this.maxInFlight && !this.exited) {
      this.postFrames();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (++this.sinceYield >= YIELD_EVERY) {
      // Let events through (returned buffers, ffmpeg's exit, progress, abort) even when the queue never fills.
      this.sinceYield = 0;
      await setImmediate();
    }
    this.checkAlive();
  }

  /** Closes stdin, waits for ffmpeg, and moves the finished file into place. */
  async finish(): Promise<string> {
    this.checkAlive();
    this.postFrames();
    this.post({ type: 'end' });
    await this.exit;
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    if (this.opts.signal?.aborted) {
      await this.cleanup();
      throw new AbortError();
    }
    if (this.exited?.code !== 0) {
      await this.cleanup();
      throw this.failure();
    }
    await rename(this.temp, this.opts.output);
    return this.opts.output;
  }

  /** Kills ffmpeg and removes the partial file; safe to call more than once. */
  async abort(): Promise<void> {
    this.kill();
    await this.exit;
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    await this.cleanup();
  }

  private kill(): void {
    if (!this.exited) this.post({ type: 'kill' });
  }

  /** Hands every queued frame to the encoder thread now: call before work that blocks this thread. */
  flush(): void {
    this.postFrames();
  }

  private postFrames(): void {
    if (this.unposted.length === 0) return;
    this.post({ type: 'frames', session: this.session, slots: this.unposted });
    this.unposted = [];
  }

  private post(m: ToEncoderThread): void {
    this.worker.postMessage(m);
  }

  private checkAlive(): void {
    if (this.opts.signal?.aborted) throw new AbortError();
    if (this.exited) throw this.failure();
  }

  private failure(): EncoderError {
    const e = this.exited;
    if (e?.threadError) return new EncoderError(`the encoder thread failed: ${e.threadError}`, '');
    if (e?.spawnError) return new EncoderError(`could not start ffmpeg (${ffmpegPath()}): ${e.spawnError}`, '');
    const how = e?.signal ? `was killed by ${e.signal}` : `exited with code ${String(e?.code)}`;
    return new EncoderError(`ffmpeg ${how}`, e?.stderr.trim() ?? '');
  }

  private async cleanup(): Promise<void> {
    await rm(this.temp, { force: true });
  }
}
