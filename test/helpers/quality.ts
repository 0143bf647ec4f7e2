import type { RawImage } from '../../src/image/raw.js';

/** A rectangle of pixels, x1/y1 exclusive. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function lum(img: RawImage, x: number, y: number): number {
  const i = (y * img.width + x) * 3;
  return 0.299 * img.data[i]! + 0.587 * img.data[i + 1]! + 0.114 * img.data[i + 2]!;
}

/** Mean absolute horizontal + vertical luminance difference over the whole image: its typical gradient. */
export function meanGradient(img: RawImage): number {
  let s = 0;
  let n = 0;
  for (let y = 0; y < img.height - 1; y++) {
    for (let x = 0; x < img.width - 1; x++) {
      s += Math.abs(lum(img, x + 1, y) - lum(img, x, y)) + Math.abs(lum(img, x, y + 1) - lum(img, x, y));
      n += 2;
    }
  }
  return s / n;
}

/** Mean absolute luminance step across the seam pixels given as [inside, outside] neighbour pairs. */
export function seamGradient(img: RawImage, pairs: readonly [number, number, number, number][]): number {
  let s = 0;
  for (const [x0, y0, x1, y1] of pairs) s += Math.abs(lum(img, x0, y0) - lum(img, x1, y1));
  return s / pairs.length;
}

/** Variance of the luminance Laplacian inside `box` (its 1-px border excluded): high-frequency energy. */
export function laplacianVariance(img: RawImage, box: Box): number {
  const vals: number[] = [];
  for (let y = Math.max(1, box.y0); y < Math.min(img.height - 1, box.y1); y++) {
    for (let x = Math.max(1, box.x0); x < Math.min(img.width - 1, box.x1); x++) {
      vals.push(lum(img, x - 1, y) + lum(img, x + 1, y) + lum(img, x, y - 1) + lum(img, x, y + 1) - 4 * lum(img, x, y));
    }
  }
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  return vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
}

/** Mean colour (per channel) of the pixels where `inside(x, y)`. */
export function meanColour(img: RawImage, inside: (x: number, y: number) => boolean): [number, number, number] {
  const s = [0, 0, 0];
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (!inside(x, y)) continue;
      const i = (y * img.width + x) * 3;
      s[0]! += img.data[i]!;
      s[1]! += img.data[i + 1]!;
      s[2]! += img.data[i + 2]!;
      n++;
    }
  }
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

/** Variance of the Laplacian over the pixels where mask = 255 (the generated region). */
export function maskedLaplacianVariance(img: RawImage, mask: Uint8Array): number {
  const vals: number[] = [];
  for (let y = 1; y < img.height - 1; y++) {
    for (let x = 1; x < img.width - 1; x++) {
      if (mask[y * img.width + x] !== 255) continue;
      vals.push(lum(img, x - 1, y) + lum(img, x + 1, y) + lum(img, x, y - 1) + lum(img, x, y + 1) - 4 * lum(img, x, y));
    }
  }
  const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
  return vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
}
