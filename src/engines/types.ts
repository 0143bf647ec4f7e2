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
