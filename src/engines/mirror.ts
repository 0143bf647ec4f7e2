import { EngineError, throwIfAborted } from '../errors.js';
import { cloneImage, type RawImage } from '../image/raw.js';
import type { Rect } from '../walk/geometry.js';
import { knownBox } from './known-pixels.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from './types.js';

/** Folds an index into [lo, hi) by reflection, so any distance maps to a known pixel. */
function reflect(i: number, lo: number, hi: number): number {
  const n = hi - lo;
  if (n <= 1) return lo;
  const period = 2 * n;
  let k = (i - lo) % period;
  if (k < 0) k += period;
  return lo + (k < n ? k : period - 1 - k);
}

/**
 * Box-blurs the masked pixels along rows then columns; known pixels are read, never written.
 * Only runs of masked pixels are visited, each with a running sum over its window.
 */
function blurMasked(img: RawImage, mask: Uint8Array, radius: number, copy: Uint8Array): void {
  const { width: w, height: h } = img;
  const src = img.data;
  for (const horizontal of [true, false]) {
    copy.set(src);
    const len = horizontal ? w : h;
    const lines = horizontal ? h : w;
    // Pixel index of position i on a line: base + i·step.
    const step = horizontal ? 1 : w;
    for (let line = 0; line < lines; line++) {
      const base = horizontal ? line * w : line;
      for (let i = 0; i < len; ) {
        if (mask[base + i * step] === 0) {
          i++;
          continue;
        }
        // A run of masked pixels from i: window [lo, hi] around each, clipped to the line.
        let r = 0, g = 0, b = 0;
        let lo = Math.max(0, i - radius);
        let hi = lo - 1;
        for (; i < len && mask[base + i * step] !== 0; i++) {
          for (const want = Math.min(len - 1, i + radius); hi < want; ) {
            const q = (base + ++hi * step) * 3;
            r += copy[q]!;
            g += copy[q + 1]!;
            b += copy[q + 2]!;
          }
          for (; lo < i - radius; lo++) {
            const q = (base + lo * step) * 3;
            r -= copy[q]!;
            g -= copy[q + 1]!;
            b -= copy[q + 2]!;
          }
          const p = (base + i * step) * 3;
          const n = hi - lo + 1;
          src[p] = r / n;
          src[p + 1] = g / n;
          src[p + 2] = b / n;
        }
      }
    }
  }
}

/** Fills every masked pixel of `dst` with the known pixel it mirrors across the edges of the known rectangle. */
function reflectInto(s: Uint8Array, d: Uint8Array, mask: Uint8Array, w: number, h: number, known: Rect): void {
  // Reflected columns, once: the inner loop then only looks them up.
  const across = new Int32Array(w);
  for (let x = 0; x < w; x++) across[x] = reflect(x, known.x0, known.x1);
  const middle = (known.x0 + known.x1) / 2;
  for (let y = 0; y < h; y++) {
    const sy = reflect(y, known.y0, known.y1);
    const row = y * w;
    const srcRow = sy * w;
    for (let x = 0; x < w; x++) {
      if (mask[row + x] === 0) continue;
      let sx = across[x]!;
      // Inside the rectangle but masked (a hole): walk to the nearest known pixel on the row.
      for (let k = 0; mask[srcRow + sx] !== 0 && k < w; k++) sx = reflect(sx + (x < middle ? -1 : 1), known.x0, known.x1);
      const q = (srcRow + sx) * 3;
      const p = (row + x) * 3;
      d[p] = s[q]!;
      d[p + 1] = s[q + 1]!;
      d[p + 2] = s[q + 2]!;
    }
  }
}

/** `mirror`: reflects the known pixels into the mask and blurs them; instant and deterministic, for previews and tests. */
export function createMirrorEngine(): OutpaintEngine {
  // The blur's copy of the image, reused: a keyframe a second of fresh garbage adds up.
  let scratch = new Uint8Array(0);
  return {
    name: 'mirror',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      const { width: w, height: h } = task.image;
      if (task.mask.length !== w * h) throw new EngineError('mirror', `mask has ${task.mask.length} pixels, image has ${w * h}`);
      const box = knownBox(task.mask, w, h);
      if (!box) throw new EngineError('mirror', 'the mask covers the whole image; there is nothing to mirror');
      const known = { x0: box.x, y0: box.y, x1: box.x + box.width, y1: box.y + box.height };
      const out = cloneImage(task.image);
      reflectInto(task.image.data, out.data, task.mask, w, h, known);
      if (scratch.length !== out.data.length) scratch = new Uint8Array(out.data.length);
      blurMasked(out, task.mask, 3, scratch);
      return out;
    },
  };
}

/** `mirror` in the registry: takes no options. */
export const mirrorEngine: EngineDefinition = { name: 'mirror', create: () => createMirrorEngine() };
