import { createImage, type RawImage } from '../image/raw.js';
import type { Viewport } from '../walk/geometry.js';

/** A keyframe placed in the world: the image its viewport saw, plus a lazily built mip pyramid. */
export interface Layer {
  /** Keyframe index; newer layers win over older ones of the same scale. */
  readonly id: number;
  readonly image: RawImage;
  readonly viewport: Viewport;
  /** levels[k] is the image box-filtered by 2^k; levels[0] is `image`. */
  readonly levels: RawImage[];
}

/** Wraps a keyframe as a layer. */
export function createLayer(id: number, image: RawImage, viewport: Viewport): Layer {
  return { id, image, viewport, levels: [image] };
}

/** Halves an image with a 2×2 box filter (odd edges clamp). */
export function halve(src: RawImage): RawImage {
  const w = Math.max(1, src.width >> 1);
  const h = Math.max(1, src.height >> 1);
  const out = createImage(w, h);
  const s = src.data;
  const d = out.data;
  const sw = src.width;
  for (let y = 0; y < h; y++) {
    const r0 = Math.min(2 * y, src.height - 1) * sw * 3;
    const r1 = Math.min(2 * y + 1, src.height - 1) * sw * 3;
    for (let x = 0; x < w; x++) {
      const c0 = Math.min(2 * x, sw - 1) * 3;
      const c1 = Math.min(2 * x + 1, sw - 1) * 3;
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        d[o + c] = ((s[r0 + c0 + c]! + s[r0 + c1 + c]! + s[r1 + c0 + c]! + s[r1 + c1 + c]! + 2) >> 2);
      }
    }
  }
  return out;
}

/** The pyramid level to sample when the layer is shown at `display` screen px per layer px. */
export function levelFor(layer: Layer, display: number): { image: RawImage; factor: number } {
  let k = 0;
  let d = display;
  // Stay at or above 0.5 screen px per source px so the widened kernel keeps few taps.
  while (d < 0.5 && layer.image.width >> (k + 1) >= 2 && layer.image.height >> (k + 1) >= 2) {
    d *= 2;
    k++;
  }
  while (layer.levels.length <= k) layer.levels.push(halve(layer.levels[layer.levels.length - 1]!));
  return { image: layer.levels[k]!, factor: 2 ** k };
}
