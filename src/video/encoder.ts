import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { setImmediate } from 'node:timers/promises';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { AbortError, EncoderError } from '../errors.js';
import { ffmpegPath } from './ffmpeg-path.js';
import { DEFAULT_ENCODE, outputArgs, type EncodeSettings, type VideoFormat } from './formats.js';

/** What the encoder needs to know about the frames it will receive. */
export interface EncoderOptions {
  readonly output: string;
  readonly format: VideoFormat;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly settings?: EncodeSettings;
  readonly signal?: AbortSignal;
  /** Called with the number of frames ffmpeg reports as encoded. */
  readonly onEncoded?: (frames: number) => void;
}

const STDERR_TAIL = 4000;
const IN_FLIGHT_FRAMES = 4;
const POOL_SIZE = IN_FLIGHT_FRAMES + 3;
const YIELD_EVERY = 8;

/**
 * Streams raw RGB frames into ffmpeg's stdin. Output goes to a hidden temporary file
 * renamed into place on success, so a failure or abort never leaves a partial video.
 */
export class VideoEncoder {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly temp: string;
  private stderr = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exit: Promise<void>;
  private spawnError: Error | null = null;
  private readonly frameBytes: number;
  private readonly pool: Buffer[] = [];
  private readonly inFlight: { written: Promise<void>; buffer: Buffer | null }[] = [];
  private sinceYield = 0;
  private readonly onAbort = (): void => this.kill();

  constructor(private readonly opts: EncoderOptions) {
    if (opts.width % 2 !== 0 || opts.height % 2 !== 0) {
      throw new EncoderError(`frame size ${opts.width}×${opts.height} must be even for yuv420p`, '');
    }
    this.frameBytes = opts.width * opts.height * 3;
    this.temp = join(dirname(opts.output), `.${basename(opts.output)}.${process.pid}.part`);
    const args = [
      '-hide_banner', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${opts.width}x${opts.height}`, '-framerate', String(opts.fps), '-i', 'pipe:0',
      ...outputArgs(opts.format, opts.fps, opts.settings ?? DEFAULT_ENCODE),
      '-y', this.temp,
    ];
    this.proc = spawn(ffmpegPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-STDERR_TAIL);
    });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => {
      // -progress prints key=value blocks; frame= is the count encoded so far.
      const m = /frame=(\d+)\s*$/m.exec(d);
      if (m && opts.onEncoded) opts.onEncoded(Number(m[1]));
    });
    // EPIPE on stdin is reported through the exit status and stderr instead.
    this.proc.stdin.on('error', () => undefined);
    this.exit = new Promise((resolve) => {
      this.proc.on('error', (err) => {
        this.spawnError = err;
        this.exited = { code: null, signal: null };
        resolve();
      });
      this.proc.on('close', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
    });
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** A frame-sized buffer to render into; buffers come back to the pool once ffmpeg's pipe has them. */
  frameBuffer(): Buffer {
    return this.pool.pop() ?? Buffer.allocUnsafeSlow(this.frameBytes);
  }

  /**
   * Writes one frame and returns once at most IN_FLIGHT_FRAMES are queued. Waiting on the
   * oldest frame's write (not on 'drain', which fires only when the queue is empty) keeps
   * ffmpeg fed while the next frame is rendered.
   */
  async write(frame: Uint8Array): Promise<void> {
    if (frame.length !== this.frameBytes) {
      throw new EncoderError(`frame has ${frame.length} bytes, expected ${this.frameBytes} (${this.opts.width}×${this.opts.height} RGB)`, '');
    }
    this.checkAlive();
    let done!: () => void;
    const written = new Promise<void>((resolve) => (done = resolve));
    this.proc.stdin.write(frame, () => done());
    this.inFlight.push({ written, buffer: Buffer.isBuffer(frame) ? frame : null });
    while (this.inFlight.length > IN_FLIGHT_FRAMES) {
      const oldest = this.inFlight.shift()!;
      await Promise.race([oldest.written, this.exit]);
      this.checkAlive();
      if (oldest.buffer && this.pool.length < POOL_SIZE) this.pool.push(oldest.buffer);
    }
    if (++this.sinceYield >= YIELD_EVERY) {
      // Let I/O events (ffmpeg's exit, progress, abort) through even when writes never block.
      this.sinceYield = 0;
      await setImmediate();
      this.checkAlive();
    }
  }

  /** Closes stdin, waits for ffmpeg, and moves the finished file into place. */
  async finish(): Promise<string> {
    this.checkAlive();
    this.proc.stdin.end();
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
    if (!this.exited) this.proc.kill('SIGKILL');
  }

  private checkAlive(): void {
    if (this.opts.signal?.aborted) throw new AbortError();
    if (this.exited) throw this.failure();
  }

  private failure(): EncoderError {
    if (this.spawnError) return new EncoderError(`could not start ffmpeg (${ffmpegPath()}): ${this.spawnError.message}`, '', { cause: this.spawnError });
    const how = this.exited?.signal ? `was killed by ${this.exited.signal}` : `exited with code ${String(this.exited?.code)}`;
    return new EncoderError(`ffmpeg ${how}`, this.stderr.trim());
  }

  private async cleanup(): Promise<void> {
    await rm(this.temp, { force: true });
  }
}
