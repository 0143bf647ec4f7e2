import { randomSeed } from '../request/seed.js';
import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { throwIfAborted } from '../errors.js';
import { createEngine, DEFAULT_ENGINE, type EngineOptions } from '../engines/registry.js';
import type { OutpaintEngine } from '../engines/types.js';
import { Compositor } from '../frames/compose.js';
import { createLayer, type Layer } from '../frames/layer.js';
import { evictHidden } from '../frames/evict.js';
import type { ResampleFilter } from '../frames/taps.js';
import { decodeFitted, readImageSource, type LoadLimits } from '../image/load.js';
import type { RawImage } from '../image/raw.js';
import { saveImage } from '../image/save.js';
import { applyPreset } from '../request/presets.js';
import { validateWalkRequest } from '../request/validate.js';
import type { WalkRequest } from '../request/walk-request.js';
import { VideoEncoder } from '../video/encoder.js';
import { preferredPixelFormat, type EncodeSettings, type PixelFormat } from '../video/formats.js';
import { interpolateViewport } from '../walk/geometry.js';
import { planWalk, type WalkPlan } from '../walk/plan.js';
import { buildKeyframe } from './keyframe.js';
import { ProgressTracker, type RenderProgress } from './progress.js';

/** How to run a render; only `output` is required. */
export interface RenderOptions {
  /** Output file; with samples > 1 each gets a -1, -2 … suffix before the extension. */
  readonly output: string;
  /** An engine instance, or the name of a registered one (default `classical`). */
  readonly engine?: OutpaintEngine | string;
  /** Settings for a named engine (a remote service's URL, key, extra fields). */
  readonly engineOptions?: Omit<EngineOptions, 'warn'>;
  readonly preset?: string;
  /** Replaces the request's `image` (CLI --image). */
  readonly image?: string;
  /** The image's bytes, already fetched (the server fetches through its SSRF guard); `image` is then not read. */
  readonly imageBytes?: Buffer;
  readonly onProgress?: (p: RenderProgress) => void;
  /** Called with each keyframe as it is made (checkpoints, previews); `sample` is 0-based. */
  readonly onKeyframe?: (index: number, image: RawImage, sample: number) => void;
  /** A keyframe finished by an earlier, interrupted run, or null: the engine then skips that step. */
  readonly resumeKeyframe?: (index: number, sample: number) => RawImage | null;
  readonly onWarning?: (message: string) => void;
  /**
   * Called with every raw frame before it is encoded (previews, tests); must not keep it. The
   * frame is in `format`: yuv420p for mp4/webm unless `pixelFormat` says otherwise, rgb24 for gif
   * (`yuv420ToRgb` converts).
   */
  readonly onFrame?: (index: number, frame: Uint8Array, format: PixelFormat) => void;
  /** Pixel format of the frames streamed to ffmpeg; default: what the output format stores. */
  readonly pixelFormat?: PixelFormat;
  readonly signal?: AbortSignal;
  readonly encode?: EncodeSettings;
  readonly filter?: ResampleFilter;
  /** Resampling kernel: `auto` (WebAssembly SIMD when built), `wasm` or `js`. */
  readonly kernel?: 'auto' | 'wasm' | 'js';
  readonly loadLimits?: LoadLimits;
}

/** One written file. */
export interface RenderOutput {
  readonly path: string;
  readonly seed: number;
  readonly format: WalkRequest['outputFormat'];
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

/** What a render produced, plus the effective request for `meta`. */
export interface RenderResult {
  readonly outputs: RenderOutput[];
  readonly request: WalkRequest;
  readonly plan: WalkPlan;
  readonly engine: string;
  readonly seconds: number;
}

/** The file of sample `index` (0-based) when a render writes `samples` outputs to `output`. */
export function samplePath(output: string, index: number, samples: number): string {
  if (samples === 1) return output;
  const ext = extname(output);
  return `${output.slice(0, output.length - ext.length)}-${index + 1}${ext}`;
}

/** Validates a raw request (preset applied, image overridden) without rendering. */
export function resolveRequest(body: unknown, options: Pick<RenderOptions, 'preset' | 'image'> = {}): WalkRequest {
  const merged = applyPreset(body, options.preset) as Record<string, unknown>;
  return validateWalkRequest(options.image !== undefined && typeof merged === 'object' && merged !== null ? { ...merged, image: options.image } : merged);
}

/** Renders a v5 walk request to video (or image) files: the library entry point. */
export async function render(body: unknown, options: RenderOptions): Promise<RenderResult> {
  const started = performance.now();
  const request = resolveRequest(body, options);
  const plan = planWalk(request);
  const bytes = options.imageBytes ?? (await readImageSource(request.image, options.loadLimits, options.signal));
  const input = await decodeFitted(bytes, request.width, request.height, options.loadLimits);
  throwIfAborted(options.signal);

  const warn = options.onWarning ?? (() => undefined);
  const ownsEngine = typeof options.engine !== 'object';
  const engineOptions = { ...(request.engineOptions ? { extra: request.engineOptions } : {}), ...options.engineOptions, warn };
  const engine = typeof options.engine === 'object' ? options.engine : await createEngine(options.engine ?? request.engine ?? DEFAULT_ENGINE, engineOptions);
  const baseSeed = request.seed ?? randomSeed();
  const isVideo = request.outputFormat !== 'png';
  const tracker = new ProgressTracker(request.samples, plan.steps.length, isVideo ? plan.totalFrames : 0, options.onProgress);
  const outputs: RenderOutput[] = [];
  try {
    await mkdir(dirname(options.output), { recursive: true });
    for (let n = 0; n < request.samples; n++) {
      tracker.sample = n;
      const path = samplePath(options.output, n, request.samples);
      const seed = (baseSeed + n) >>> 0;
      outputs.push(await renderSample({ request, plan, input, engine, seed, path, options, tracker }));
    }
  } finally {
    if (ownsEngine) await engine.close?.();
  }
  tracker.report('done');
  return { outputs, request, plan, engine: engine.name, seconds: (performance.now() - started) / 1000 };
}

interface SampleJob {
  readonly request: WalkRequest;
  readonly plan: WalkPlan;
  readonly input: RawImage;
  readonly engine: OutpaintEngine;
  readonly seed: number;
  readonly path: string;
  readonly options: RenderOptions;
  readonly tracker: ProgressTracker;
}

async function renderSample(job: SampleJob): Promise<RenderOutput> {
  const { request, plan, options, tracker } = job;
  const compositor = new Compositor({ width: plan.width, height: plan.height, overlap: request.overlap, filter: options.filter ?? 'cubic', kernel: options.kernel ?? 'auto' });
  const keyframes = new Keyframes(job, compositor);
  tracker.keyframesDone = 0;
  tracker.framesRendered = 0;
  tracker.framesEncoded = 0;
  const result = { path: job.path, seed: job.seed, format: request.outputFormat, width: plan.width, height: plan.height, fps: request.fps };

  if (request.outputFormat === 'png') {
    let last = job.input;
    for (let i = 0; i < plan.steps.length; i++) last = await keyframes.next();
    await saveImage(last, job.path);
    return { ...result, frames: 1 };
  }

  const pixelFormat = options.pixelFormat ?? preferredPixelFormat(request.outputFormat);
  const encoder = new VideoEncoder({
    output: job.path,
    format: request.outputFormat,
    pixelFormat,
    width: plan.width,
    height: plan.height,
    fps: request.fps,
    ...(options.encode ? { settings: options.encode } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    onEncoded: (f) => {
      tracker.framesEncoded = f;
    },
  });
  try {
    const emit = async (layers: readonly Layer[], step: number, k: number): Promise<void> => {
      const camera = step < 0 ? plan.viewports[0]! : interpolateViewport(plan.viewports[step]!, plan.viewports[step + 1]!, k / plan.interpolationSteps, plan.width, plan.height);
      const frame = encoder.frameBuffer();
      if (pixelFormat === 'yuv420p') compositor.renderYuv(layers, camera, frame);
      else compositor.render(layers, camera, frame);
      // A plain Uint8Array view: its slice() copies, unlike Buffer's, and the buffer is reused.
      options.onFrame?.(tracker.framesRendered, new Uint8Array(frame.buffer, frame.byteOffset, frame.length), pixelFormat);
      await encoder.write(frame);
      tracker.framesRendered++;
      if (tracker.framesRendered % 30 === 0) tracker.report('frames');
    };
    if (!request.reverse) {
      await emit(keyframes.layers, -1, 0);
      // One keyframe ahead: step i+1 is outpainted while step i's frames stream. It starts once
      // ffmpeg has a backlog of frames, so an engine that works on this thread (mirror, part of
      // classical) runs while ffmpeg encodes that backlog; one that works elsewhere (workers, a
      // server) has nearly the whole step.
      let pending: Promise<RawImage> | null = null;
      let made = 0;
      const startNext = (): void => {
        if (pending || made >= plan.steps.length) return;
        made++;
        // The engine may hold this thread for a while: ffmpeg gets every frame made so far.
        encoder.flush();
        pending = keyframes.next();
        // Rejections surface where it is awaited; until then this keeps them from being unhandled.
        pending.catch(() => undefined);
      };
      for (let i = 0; i < plan.steps.length; i++) {
        startNext();
        await pending;
        pending = null;
        const layers = keyframes.layers;
        for (let k = 1; k <= plan.interpolationSteps; k++) {
          await emit(layers, i, k);
          if (encoder.wellFed) startNext();
        }
      }
    } else {
      // Played backwards: every keyframe first, then the same frames in reverse order.
      const all: Layer[][] = [];
      for (let i = 0; i < plan.steps.length; i++) {
        await keyframes.next();
        all.push([...keyframes.layers]);
      }
      for (let i = plan.steps.length - 1; i >= 0; i--) {
        for (let k = plan.interpolationSteps; k >= 1; k--) await emit(all[i]!, i, k);
      }
      await emit([keyframes.first], -1, 0);
    }
    await encoder.finish();
  } catch (err) {
    await encoder.abort();
    throw err;
  }
  return { ...result, frames: plan.totalFrames };
}

/** Makes keyframes one step at a time and keeps the layer stack (minus hidden layers). */
class Keyframes {
  readonly first: Layer;
  layers: Layer[];
  private readonly history: RawImage[] = [];
  private step = 0;

  constructor(private readonly job: SampleJob, private readonly compositor: Compositor) {
    this.first = createLayer(0, job.input, job.plan.viewports[0]!);
    this.layers = [this.first];
    this.history.push(job.input);
  }

  /** Outpaints the next step, adds it as a layer, and returns its image. */
  async next(): Promise<RawImage> {
    const { plan, request, engine, seed, options, tracker } = this.job;
    const i = this.step++;
    const saved = options.resumeKeyframe?.(i + 1, tracker.sample) ?? null;
    const image =
      saved && saved.width === plan.width && saved.height === plan.height
        ? saved
        : await buildKeyframe(
            {
              plan,
              engine,
              compositor: this.compositor,
              negativePrompt: request.negativePrompt,
              seed,
              inferenceSteps: request.inferenceSteps,
              guidance: request.guidance,
              overlap: request.overlap,
              ...(options.signal ? { signal: options.signal } : {}),
            },
            this.layers,
            i,
            this.history,
          );
    this.history.push(image);
    // The engine's source library only needs recent keyframes; older ones would pin memory.
    if (this.history.length > 4) this.history.shift();
    // Evict against the step's starting scale: its frames still show the finer layer i.
    const from = plan.viewports[i]!;
    this.layers = evictHidden([...this.layers, createLayer(i + 1, image, plan.viewports[i + 1]!)], from, plan.width, plan.height);
    if (image !== saved) options.onKeyframe?.(i + 1, image, tracker.sample);
    tracker.keyframesDone = i + 1;
    tracker.report('keyframes');
    return image;
  }
}
