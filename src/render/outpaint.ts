import { EngineError, ValidationError } from '../errors.js';
import { createEngine, DEFAULT_ENGINE, type EngineOptions } from '../engines/registry.js';
import { restoreKnown } from '../engines/known-pixels.js';
import type { OutpaintEngine } from '../engines/types.js';
import { decodeInput, readImageSource } from '../image/load.js';
import { createImage, type RawImage } from '../image/raw.js';
import { DEFAULTS, defaultOverlap } from '../request/limits.js';
import { randomSeed } from '../request/seed.js';
import { placeOnCanvas, type PlacementOptions } from '../request/outpaint-options.js';

/** A single outpaint: the canvas (grow, size or mask), the engine and its inputs. */
export interface OutpaintOptions extends PlacementOptions {
  /** Generate where this mask (same size as the image) is white, instead of growing the canvas. */
  readonly mask?: RawImage;
  /** Image-sized, 255 where the image is transparent: those pixels are generated too (filled in when `image` is decoded here). */
  readonly transparent?: Uint8Array | null;
  readonly engine?: OutpaintEngine | string;
  /** Settings for a named engine (a remote service's URL, key, extra fields). */
  readonly engineOptions?: Omit<EngineOptions, 'warn'>;
  readonly prompt?: string;
  readonly negativePrompt?: string;
  /** Random when omitted; the one used is returned. */
  readonly seed?: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly overlap?: number;
  readonly signal?: AbortSignal;
  readonly onWarning?: (message: string) => void;
}

/** Builds the canvas and mask: the image placed, everything else to generate. */
export function outpaintCanvas(image: RawImage, options: PlacementOptions & { mask?: RawImage; transparent?: Uint8Array | null }): { canvas: RawImage; mask: Uint8Array } {
  const { canvas, mask } = placed(image, options);
  const t = options.transparent;
  if (t) {
    // Transparent pixels are generated wherever the image lands on the canvas.
    const place = options.mask ? { x: 0, y: 0 } : placeOnCanvas(image.width, image.height, options);
    for (let y = 0; y < image.height; y++) {
      const cy = y + place.y;
      if (cy < 0 || cy >= canvas.height) continue;
      for (let x = 0; x < image.width; x++) {
        const cx = x + place.x;
        if (t[y * image.width + x] && cx >= 0 && cx < canvas.width) mask[cy * canvas.width + cx] = 255;
      }
    }
  }
  return { canvas, mask };
}

/** The canvas and mask before transparency: the mask's white, or everything off the placed image. */
function placed(image: RawImage, options: PlacementOptions & { mask?: RawImage }): { canvas: RawImage; mask: Uint8Array } {
  if (options.mask) {
    const m = options.mask;
    if (m.width !== image.width || m.height !== image.height) {
      throw new ValidationError([{ path: 'mask', message: `is ${m.width}×${m.height}; it must match the image, ${image.width}×${image.height}` }]);
    }
    const mask = new Uint8Array(image.width * image.height);
    // White (bright) = generate; the mask's luminance decides, so grey JPEG masks work too.
    for (let p = 0; p < mask.length; p++) mask[p] = m.data[p * 3]! + m.data[p * 3 + 1]! + m.data[p * 3 + 2]! >= 384 ? 255 : 0;
    return { canvas: { ...image, data: image.data.slice() }, mask };
  }
  const place = placeOnCanvas(image.width, image.height, options);
  const canvas = createImage(place.width, place.height);
  const mask = new Uint8Array(place.width * place.height).fill(255);
  for (let y = Math.max(0, place.y); y < Math.min(place.height, place.y + image.height); y++) {
    const x0 = Math.max(0, place.x);
    const x1 = Math.min(place.width, place.x + image.width);
    const src = ((y - place.y) * image.width + (x0 - place.x)) * 3;
    canvas.data.set(image.data.subarray(src, src + (x1 - x0) * 3), (y * place.width + x0) * 3);
    mask.fill(0, y * place.width + x0, y * place.width + x1);
  }
  return { canvas, mask };
}

/** Outpaints one image (a RawImage, or a path / URL / data URI) and returns the result and the seed used. */
export async function outpaint(image: RawImage | string, options: OutpaintOptions = {}): Promise<{ image: RawImage; seed: number; engine: string }> {
  const decoded = typeof image === 'string' ? await decodeInput(await readImageSource(image, undefined, options.signal)) : { image, transparent: options.transparent ?? null };
  const { canvas, mask } = outpaintCanvas(decoded.image, { ...options, transparent: decoded.transparent });
  if (!mask.includes(0)) throw new ValidationError([{ path: 'mask', message: 'covers every pixel; nothing is left to outpaint from' }]);
  const seed = options.seed ?? randomSeed();
  const owns = typeof options.engine !== 'object';
  const warn = options.onWarning ?? (() => undefined);
  const engine = typeof options.engine === 'object' ? options.engine : await createEngine(options.engine ?? DEFAULT_ENGINE, { ...options.engineOptions, warn });
  try {
    const result = await engine.outpaint(
      {
        image: canvas,
        mask,
        prompt: options.prompt ?? '',
        negativePrompt: options.negativePrompt ?? '',
        seed,
        steps: options.steps ?? DEFAULTS.numInferenceSteps,
        guidance: options.guidance ?? DEFAULTS.guidanceScale,
        overlap: options.overlap ?? defaultOverlap(canvas.width, canvas.height),
      },
      options.signal,
    );
    if (result.width !== canvas.width || result.height !== canvas.height) {
      throw new EngineError(engine.name, `returned ${result.width}×${result.height}, expected ${canvas.width}×${canvas.height}`);
    }
    return { image: restoreKnown(result, canvas, mask), seed, engine: engine.name };
  } finally {
    if (owns) await engine.close?.();
  }
}
