import { Compositor } from '../frames/compose.js';
import { applyWatermark, prepareWatermark, type RgbaImage } from '../frames/effects/watermark.js';
import { upscaleImage } from '../image/resize.js';
import { saveImage } from '../image/save.js';
import { VideoEncoder } from '../video/encoder.js';
import { preferredPixelFormat } from '../video/containers.js';
import { FrameWriter } from './frame-writer.js';
import { KeyframeStack, type KeyframeJob } from './keyframe-stack.js';
import type { RenderOptions, RenderOutput } from './options.js';
import { lastKeyframe, playForward, playReverse } from './timeline.js';

/** One sample of a render: its seed and file, and everything shared by the samples. */
export interface SampleJob extends KeyframeJob {
  readonly path: string;
  readonly options: RenderOptions;
  /** The watermark at its display size, or null. */
  readonly watermark: RgbaImage | null;
  /** The audio file to mux (already probed), or null. */
  readonly audioPath: string | null;
}

/** Renders one sample to its file: the last keyframe for png, else every frame of the timeline through ffmpeg. */
export async function renderSample(job: SampleJob): Promise<RenderOutput> {
  const { request, plan, options, tracker } = job;
  const k = request.outputScale;
  const width = plan.width * k;
  const height = plan.height * k;
  const compose = (w: number, h: number, overlap: number): Compositor =>
    new Compositor({ width: w, height: h, overlap, filter: options.filter ?? 'cubic', kernel: options.kernel ?? 'auto' });
  // The engine's keyframes are made at width×height; with output_scale the frames are drawn k times larger.
  const engineCompositor = compose(plan.width, plan.height, request.overlap);
  const compositor = k === 1 ? engineCompositor : compose(width, height, request.overlap * k);
  const keyframes = new KeyframeStack(job, engineCompositor);
  tracker.keyframesDone = 0;
  tracker.framesRendered = 0;
  tracker.framesEncoded = 0;
  const result = { path: job.path, seed: job.seed, format: request.outputFormat, width, height, fps: request.fps };

  if (request.outputFormat === 'png') {
    const still = await upscaleImage(await lastKeyframe(plan, keyframes, job.input), k);
    if (job.watermark) applyWatermark(still.data, prepareWatermark(job.watermark, 'rgb24', width, height, request.watermark!.position, request.watermark!.opacity));
    await saveImage(still, job.path);
    return { ...result, frames: 1 };
  }

  const pixelFormat = options.pixelFormat ?? preferredPixelFormat(request.outputFormat);
  const encoder = new VideoEncoder({
    output: job.path,
    format: request.outputFormat,
    pixelFormat,
    width,
    height,
    fps: request.fps,
    ...(options.encode ? { settings: options.encode } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(job.audioPath && request.audio
      ? { audio: { path: job.audioPath, volume: request.audio.volume, fadeOut: request.audio.fadeOut, seconds: plan.totalFrames / request.fps } }
      : {}),
    onEncoded: (f) => {
      tracker.framesEncoded = f;
    },
  });
  const watermark = job.watermark ? prepareWatermark(job.watermark, pixelFormat, width, height, request.watermark!.position, request.watermark!.opacity) : null;
  const writer = new FrameWriter({ plan, request, compositor, sink: encoder, pixelFormat, watermark, tracker, ...(options.onFrame ? { onFrame: options.onFrame } : {}) });
  try {
    if (request.reverse) await playReverse(plan, keyframes, writer.emit);
    else await playForward(plan, keyframes, encoder, writer.emit);
    await encoder.finish();
  } catch (err) {
    await encoder.abort();
    throw err;
  }
  return { ...result, frames: plan.totalFrames };
}
