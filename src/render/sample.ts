import type { Layer } from '../frames/layer.js';
import { Compositor } from '../frames/compose.js';
import { saveImage } from '../image/save.js';
import { VideoEncoder } from '../video/encoder.js';
import { preferredPixelFormat } from '../video/containers.js';
import { KeyframeStack, type KeyframeJob } from './keyframe-stack.js';
import type { RenderOptions, RenderOutput } from './options.js';
import { frameCamera, lastKeyframe, playForward, playReverse } from './timeline.js';

/** One sample of a render: its seed and file, and everything shared by the samples. */
export interface SampleJob extends KeyframeJob {
  readonly path: string;
  readonly options: RenderOptions;
}

/** Renders one sample to its file: the last keyframe for png, else every frame of the timeline through ffmpeg. */
export async function renderSample(job: SampleJob): Promise<RenderOutput> {
  const { request, plan, options, tracker } = job;
  const compositor = new Compositor({ width: plan.width, height: plan.height, overlap: request.overlap, filter: options.filter ?? 'cubic', kernel: options.kernel ?? 'auto' });
  const keyframes = new KeyframeStack(job, compositor);
  tracker.keyframesDone = 0;
  tracker.framesRendered = 0;
  tracker.framesEncoded = 0;
  const result = { path: job.path, seed: job.seed, format: request.outputFormat, width: plan.width, height: plan.height, fps: request.fps };

  if (request.outputFormat === 'png') {
    await saveImage(await lastKeyframe(plan, keyframes, job.input), job.path);
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
      const camera = frameCamera(plan, step, k);
      const frame = encoder.frameBuffer();
      if (pixelFormat === 'yuv420p') compositor.renderYuv(layers, camera, frame);
      else compositor.render(layers, camera, frame);
      // A plain Uint8Array view: its slice() copies, unlike Buffer's, and the buffer is reused.
      options.onFrame?.(tracker.framesRendered, new Uint8Array(frame.buffer, frame.byteOffset, frame.length), pixelFormat);
      await encoder.write(frame);
      tracker.framesRendered++;
      if (tracker.framesRendered % 30 === 0) tracker.report('frames');
    };
    if (request.reverse) await playReverse(plan, keyframes, emit);
    else await playForward(plan, keyframes, encoder, emit);
    await encoder.finish();
  } catch (err) {
    await encoder.abort();
    throw err;
  }
  return { ...result, frames: plan.totalFrames };
}
