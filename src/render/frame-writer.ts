import type { Compositor } from '../frames/compose.js';
import { crossfade, loopDissolve } from '../frames/effects/crossfade.js';
import { applyFade, fadeLevel } from '../frames/effects/fade.js';
import { applyWatermark, type PreparedWatermark } from '../frames/effects/watermark.js';
import { createLayer, type Layer } from '../frames/layer.js';
import { upscaleImage } from '../image/resize.js';
import type { WalkRequest } from '../request/walk-request.js';
import type { PixelFormat } from '../video/containers.js';
import type { FramePosition } from '../walk/easing.js';
import type { WalkPlan } from '../walk/plan.js';
import type { RenderOptions } from './options.js';
import type { ProgressTracker } from './progress.js';
import { frameCamera } from './timeline.js';

/** Where finished frames go: the encoder's shared buffers. */
export interface FrameSink {
  frameBuffer(): Buffer;
  write(frame: Uint8Array): Promise<void>;
}

/** What a FrameWriter needs; `compositor` draws at outputScale × the plan's size. */
export interface FrameWriterJob {
  readonly plan: WalkPlan;
  readonly request: Pick<WalkRequest, 'fadeIn' | 'fadeOut' | 'fps' | 'outputScale'>;
  readonly compositor: Compositor;
  readonly sink: FrameSink;
  readonly pixelFormat: PixelFormat;
  readonly watermark: PreparedWatermark | null;
  readonly tracker: ProgressTracker;
  readonly onFrame?: RenderOptions['onFrame'];
}

/**
 * Turns the timeline's frame positions into the video's frames: composites at the output size
 * (layers upscaled once each for output_scale), dissolves a loop's last step into its closing
 * image, blends the watermark, repeats the first and last frame for holds and fades to black.
 */
export class FrameWriter {
  private readonly scaled = new WeakMap<Layer, Promise<Layer>>();
  private emitted = 0;
  private index = 0;
  private base: Uint8Array | null = null;
  private closing: Uint8Array | null = null;
  private readonly fadeIn: number;
  private readonly fadeOut: number;

  constructor(private readonly job: FrameWriterJob) {
    this.fadeIn = Math.round(job.request.fadeIn * job.request.fps);
    this.fadeOut = Math.round(job.request.fadeOut * job.request.fps);
  }

  /** Output frames written so far (holds included). */
  get written(): number {
    return this.index;
  }

  /** The timeline's EmitFrame: draws the frame at `pos` and writes it (more than once for a hold). */
  readonly emit = async (layers: readonly Layer[], pos: FramePosition): Promise<void> => {
    const { plan, sink, pixelFormat, tracker } = this.job;
    const shown = await Promise.all(layers.map((l) => this.display(l)));
    const frame = sink.frameBuffer();
    this.draw(shown, pos, frame);
    if (plan.loop && pos.step === plan.steps.length - 1) {
      // The loop's closing image (keyframe n, the input) alone, dissolved in over the last step.
      const last = layers.find((l) => l.id === plan.steps.length);
      if (last) {
        this.closing ??= new Uint8Array(frame.length);
        this.draw([await this.display(last)], pos, this.closing);
        crossfade(frame, this.closing, loopDissolve(pos.t));
      }
    }
    if (this.job.watermark) applyWatermark(frame, this.job.watermark);
    const walkFrames = plan.frames.length;
    const copies = 1 + (this.emitted === 0 ? plan.holdStartFrames : 0) + (this.emitted === walkFrames - 1 ? plan.holdEndFrames : 0);
    this.emitted++;
    const fades = this.fadeIn > 0 || this.fadeOut > 0;
    if (copies > 1 || fades) {
      this.base ??= new Uint8Array(frame.length);
      this.base.set(frame);
    }
    for (let c = 0; c < copies; c++) {
      const out = c === 0 ? frame : sink.frameBuffer();
      if (c > 0) out.set(this.base!);
      if (fades) applyFade(out, pixelFormat, this.outWidth, this.outHeight, fadeLevel(this.index, plan.totalFrames, this.fadeIn, this.fadeOut));
      // A plain Uint8Array view: its slice() copies, unlike Buffer's, and the buffer is reused.
      this.job.onFrame?.(this.index, new Uint8Array(out.buffer, out.byteOffset, out.length), pixelFormat);
      await sink.write(out);
      this.index++;
      tracker.framesRendered++;
      if (tracker.framesRendered % 30 === 0) tracker.report('frames');
    }
  };

  private get outWidth(): number {
    return this.job.plan.width * this.job.request.outputScale;
  }

  private get outHeight(): number {
    return this.job.plan.height * this.job.request.outputScale;
  }

  private draw(layers: readonly Layer[], pos: FramePosition, frame: Uint8Array): void {
    const k = this.job.request.outputScale;
    const cam = frameCamera(this.job.plan, pos);
    const camera = k === 1 ? cam : { x: cam.x, y: cam.y, scale: cam.scale / k };
    if (this.job.pixelFormat === 'yuv420p') this.job.compositor.renderYuv(layers, camera, frame);
    else this.job.compositor.render(layers, camera, frame);
  }

  /** The layer as the output shows it: itself, or (output_scale k) upscaled once, k times finer per world unit. */
  private display(layer: Layer): Promise<Layer> | Layer {
    const k = this.job.request.outputScale;
    if (k === 1) return layer;
    let p = this.scaled.get(layer);
    if (!p) {
      const v = layer.viewport;
      p = upscaleImage(layer.image, k).then((img) => createLayer(layer.id, img, { x: v.x, y: v.y, scale: v.scale / k }));
      this.scaled.set(layer, p);
    }
    return p;
  }
}
