import type { EngineOptions } from '../engines/registry.js';
import type { OutpaintEngine } from '../engines/types.js';
import type { ResampleFilter } from '../frames/taps.js';
import type { LoadLimits } from '../image/load.js';
import type { RawImage } from '../image/raw.js';
import type { ResolveOptions } from '../request/resolve.js';
import type { WalkRequest } from '../request/walk-request.js';
import type { EncodeSettings, PixelFormat } from '../video/containers.js';
import type { WalkPlan } from '../walk/plan.js';
import type { RenderProgress } from './progress.js';

/** How to run a render; only `output` is required (`preset` and `image` as in ResolveOptions). */
export interface RenderOptions extends ResolveOptions {
  /** Output file; with samples > 1 each gets a -1, -2 … suffix before the extension. */
  readonly output: string;
  /** An engine instance, or the name of a registered one (default `classical`). */
  readonly engine?: OutpaintEngine | string;
  /** Settings for a named engine (a remote service's URL, key, extra fields). */
  readonly engineOptions?: Omit<EngineOptions, 'warn'>;
  /** The image's bytes, already fetched (the server fetches through its SSRF guard); `image` is then not read. */
  readonly imageBytes?: Buffer;
  /** The request's `audio` as a local file already fetched (the server's SSRF-guarded copy); else `audio` is read as a path. */
  readonly audioPath?: string;
  /** The request's `watermark` image, already fetched; else `watermark` is read like `image`. */
  readonly watermarkBytes?: Buffer;
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
  /** For a loop: also render the frame that follows the last one (it must equal frame 0); to check the seam, not for delivery. */
  readonly closeLoop?: boolean;
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
