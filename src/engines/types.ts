import type { RawImage } from '../image/raw.js';

/** One outpaint job: a canvas with the known pixels placed and a mask of the pixels to generate. */
export interface OutpaintTask {
  /** W×H canvas; pixels under mask=255 are undefined (engines must not rely on them). */
  readonly image: RawImage;
  /** W×H, one byte per pixel: 255 = generate, 0 = keep. */
  readonly mask: Uint8Array;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly seed: number;
  /** num_inference_steps (1–50): engines map it to their effort. */
  readonly steps: number;
  readonly guidance: number;
  /** Width in px of the band where generated and known pixels are blended. */
  readonly overlap: number;
  /** Earlier keyframes of the walk, newest last: extra source material for classical engines. */
  readonly history?: readonly RawImage[];
}

/** A pluggable outpainter: returns a W×H image whose unmasked pixels equal the task's. */
export interface OutpaintEngine {
  readonly name: string;
  outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage>;
  /** Releases workers, sockets and the like; optional. */
  close?(): Promise<void>;
}

/** Options every engine factory receives; each engine reads what it needs. */
export interface EngineOptions {
  /** Where warnings go (e.g. a fallback); the CLI prints them on stderr. */
  readonly warn?: (message: string) => void;
  readonly threads?: number;
  /** Remote engines: the service's base URL (else ZOOMWALK_<NAME>_URL, else its public default). */
  readonly url?: string;
  /** Remote engines: the API key (else ZOOMWALK_<NAME>_KEY). */
  readonly key?: string;
  /** Remote engines: extra request fields merged into every call (service-specific tuning). */
  readonly extra?: Record<string, unknown>;
  readonly log?: (message: string) => void;
}

/** Builds an engine from the options a caller (CLI, server, library) gives. */
export type EngineFactory = (options: EngineOptions) => OutpaintEngine | Promise<OutpaintEngine>;

/** An engine as the registry lists it: the name callers pick it by, its factory, and the request options it takes. */
export interface EngineDefinition {
  readonly name: string;
  readonly create: EngineFactory;
  /**
   * The `engine_options` a request may set (passed as `extra`): service tuning only, never what
   * the walk fixes (size, batch size, steps, seed, prompt, mask). Absent: the engine takes none.
   */
  readonly options?: readonly string[];
}
