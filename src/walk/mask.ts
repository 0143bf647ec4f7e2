import { viewportRect, rectInView, type Rect, type Viewport } from './geometry.js';

/** Pixel index range [lo, hi) fully inside [a, b] on one axis. */
function fullyInside(a: number, b: number, size: number): [number, number] {
  const eps = 1e-6;
  return [Math.max(0, Math.ceil(a - eps)), Math.min(size, Math.floor(b + eps))];
}

/**
 * The mask of a new keyframe: 255 where no earlier keyframe fully covers the pixel.
 * Earlier keyframes (not only the previous one) count, so walking back over known
 * ground shows the same world instead of inventing it again.
 */
export function unknownMask(target: Viewport, earlier: readonly Viewport[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height).fill(255);
  for (const v of earlier) {
    clearRect(mask, rectInView(viewportRect(v, width, height), target), width, height);
  }
  return mask;
}

/** Marks as known (0) every pixel fully inside r. */
export function clearRect(mask: Uint8Array, r: Rect, width: number, height: number): void {
  const [c0, c1] = fullyInside(r.x0, r.x1, width);
  const [r0, r1] = fullyInside(r.y0, r.y1, height);
  if (c1 <= c0) return;
  for (let y = r0; y < r1; y++) mask.fill(0, y * width + c0, y * width + c1);
}

/** Number of pixels to generate. */
export function maskArea(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}
