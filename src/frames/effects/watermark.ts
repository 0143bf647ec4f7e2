/**
 * A watermark composited into finished frames: prepared once per render (RGBA → the frame's
 * layout, opacity folded into alpha), then blended into every frame in place.
 */
import type { WatermarkPosition } from '../../request/limits.js';
import type { FrameLayout } from './fade.js';

/** A straight-alpha RGBA image (4 bytes per pixel). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** A watermark ready to blend: its place and, per pixel of each plane, a colour and a weight 0…1. */
export interface PreparedWatermark {
  readonly format: FrameLayout;
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** rgb24: 3 values per pixel; yuv420p: Y per pixel, then U and V per 2×2 block. */
  readonly colour: Float32Array;
  /** rgb24 / Y: one per pixel; then one per 2×2 block for U and V. */
  readonly weight: Float32Array;
}

/** Top-left corner of a w×h mark in a W×H frame: a margin of 3 % of the short side, even so chroma blocks line up. */
export function watermarkOrigin(position: WatermarkPosition, W: number, H: number, w: number, h: number): { x: number; y: number } {
  const m = Math.round(0.03 * Math.min(W, H));
  const even = (v: number): number => Math.max(0, v - (v % 2));
  const left = m;
  const right = W - w - m;
  const top = m;
  const bottom = H - h - m;
  switch (position) {
    case 'top-left':
      return { x: even(left), y: even(top) };
    case 'top-right':
      return { x: even(right), y: even(top) };
    case 'bottom-left':
      return { x: even(left), y: even(bottom) };
    case 'bottom-right':
      return { x: even(right), y: even(bottom) };
    case 'center':
      return { x: even((W - w) / 2), y: even((H - h) / 2) };
  }
}

/** Prepares `mark` (already at its display size, even sides) for frames of `format`, at `opacity`, placed at `position`. */
export function prepareWatermark(mark: RgbaImage, format: FrameLayout, W: number, H: number, position: WatermarkPosition, opacity: number): PreparedWatermark {
  const w = Math.min(mark.width - (mark.width % 2), W);
  const h = Math.min(mark.height - (mark.height % 2), H);
  const { x, y } = watermarkOrigin(position, W, H, w, h);
  const px = (i: number, j: number): [number, number, number, number] => {
    const o = (j * mark.width + i) * 4;
    const d = mark.data;
    return [d[o]!, d[o + 1]!, d[o + 2]!, (d[o + 3]! / 255) * opacity];
  };
  if (format === 'rgb24') {
    const colour = new Float32Array(w * h * 3);
    const weight = new Float32Array(w * h);
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const [r, g, b, a] = px(i, j);
        const n = j * w + i;
        colour.set([r, g, b], n * 3);
        weight[n] = a;
      }
    }
    return { format, frameWidth: W, frameHeight: H, x, y, width: w, height: h, colour, weight };
  }
  const cw = w >> 1;
  const ch = h >> 1;
  const colour = new Float32Array(w * h + 2 * cw * ch);
  const weight = new Float32Array(w * h + cw * ch);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const [r, g, b, a] = px(i, j);
      colour[j * w + i] = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255;
      weight[j * w + i] = a;
    }
  }
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      // Chroma of the block: its pixels' colours weighted by their alpha, with the mean alpha.
      let sa = 0;
      let su = 0;
      let sv = 0;
      for (const [di, dj] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const [r, g, b, a] = px(2 * i + di, 2 * j + dj);
        sa += a;
        su += a * (128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
        sv += a * (128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
      }
      const n = j * cw + i;
      colour[w * h + n] = sa > 0 ? su / sa : 128;
      colour[w * h + cw * ch + n] = sa > 0 ? sv / sa : 128;
      weight[w * h + n] = sa / 4;
    }
  }
  return { format, frameWidth: W, frameHeight: H, x, y, width: w, height: h, colour, weight };
}

/** Blends a prepared watermark into one frame in place. */
export function applyWatermark(frame: Uint8Array, m: PreparedWatermark): void {
  const { x, y, width: w, height: h, frameWidth: W, frameHeight: H, colour, weight } = m;
  if (m.format === 'rgb24') {
    for (let j = 0; j < h; j++) {
      for (let i = 0; i < w; i++) {
        const n = j * w + i;
        const a = weight[n]!;
        if (a <= 0) continue;
        const o = ((y + j) * W + x + i) * 3;
        for (let c = 0; c < 3; c++) frame[o + c] = Math.round(frame[o + c]! + (colour[n * 3 + c]! - frame[o + c]!) * a);
      }
    }
    return;
  }
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const a = weight[j * w + i]!;
      if (a <= 0) continue;
      const o = (y + j) * W + x + i;
      frame[o] = Math.round(frame[o]! + (colour[j * w + i]! - frame[o]!) * a);
    }
  }
  const cw = w >> 1;
  const ch = h >> 1;
  const CW = W >> 1;
  const planeU = W * H;
  const planeV = planeU + CW * (H >> 1);
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      const n = j * cw + i;
      const a = weight[w * h + n]!;
      if (a <= 0) continue;
      const o = ((y >> 1) + j) * CW + (x >> 1) + i;
      frame[planeU + o] = Math.round(frame[planeU + o]! + (colour[w * h + n]! - frame[planeU + o]!) * a);
      frame[planeV + o] = Math.round(frame[planeV + o]! + (colour[w * h + cw * ch + n]! - frame[planeV + o]!) * a);
    }
  }
}
