import type { Easing, OutputFormat, WalkType, WatermarkPosition } from './limits.js';

/** Where the effective per-step translation came from (precedence in docs/request.md). */
export type TranslationSource = 'px' | 'factor' | 'default';

/** A validated, normalised walk request: every default applied, every cross-field rule checked. */
export interface WalkRequest {
  readonly image: string;
  /** One prompt per walk step. */
  readonly prompts: readonly string[];
  /** One negative prompt per walk step. */
  readonly negativePrompts: readonly string[];
  /** Even, so every output format (yuv420p included) takes the frames as they are. */
  readonly width: number;
  readonly height: number;
  readonly walk: readonly WalkType[];
  readonly translation: { readonly x: number; readonly y: number; readonly source: TranslationSource };
  readonly inferenceSteps: number;
  readonly guidance: number;
  readonly interpolationSteps: number;
  readonly fps: number;
  /** null = pick a random seed at render time (and record it); also null when `seed` was a list. */
  readonly seed: number | null;
  /** `seed` given as a list: one per step, null = that step's default from `seed` (step-seeds.ts). */
  readonly stepSeeds: readonly (number | null)[] | null;
  readonly samples: number;
  readonly overlap: number;
  readonly reverse: boolean;
  readonly outputFormat: OutputFormat;
  readonly webhook: string | null;
  readonly trackId: string | number | null;
  readonly preset: string | null;
  /** Engine named in the request (extension); the caller's own choice wins. */
  readonly engine: string | null;
  /** Service-specific fields for a remote engine (extension), merged into its requests. */
  readonly engineOptions: Record<string, unknown> | null;
  /** Camera progress over the whole walk (docs/request.md); `linear` is constant speed. */
  readonly easing: Easing;
  /** Seconds: copies of the first / last frame, and fades from / to black over the whole video. */
  readonly holdStart: number;
  readonly holdEnd: number;
  readonly fadeIn: number;
  readonly fadeOut: number;
  /** A seamless loop: the frame after the last is frame 0 (backward-only walks). */
  readonly loop: boolean;
  readonly audio: AudioRequest | null;
  readonly watermark: WatermarkRequest | null;
  /** The video is composited and encoded at outputScale × width/height; the engine works at width×height. */
  readonly outputScale: number;
}

/** Sound muxed under the video: trimmed or padded to the picture's length. */
export interface AudioRequest {
  /** A path or URL (the server hands the fetched bytes to the renderer instead). */
  readonly source: string;
  readonly volume: number;
  readonly fadeOut: number;
}

/** A PNG composited into every frame. */
export interface WatermarkRequest {
  readonly source: string;
  readonly position: WatermarkPosition;
  /** Width as a fraction of the video's width. */
  readonly scale: number;
  readonly opacity: number;
}
