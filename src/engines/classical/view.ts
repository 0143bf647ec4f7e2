/**
 * The orientation trick that lets one "extend to the left" routine serve every side: each side is
 * rotated/flipped into a view where its band lies on the left, processed, then written back.
 */
import type { Rect } from '../../walk/geometry.js';
import type { Raster } from './raster.js';

export type Side = 'left' | 'right' | 'top' | 'bottom';

/** Size of the view of a w×h image for a side (top/bottom views are transposed). */
export function viewSize(side: Side, w: number, h: number): { width: number; height: number } {
  return side === 'left' || side === 'right' ? { width: w, height: h } : { width: h, height: w };
}

/** Index of the original pixel shown at view pixel (x, y). */
function srcIndex(side: Side, w: number, h: number, x: number, y: number): number {
  switch (side) {
    case 'left':
      return y * w + x;
    case 'right':
      return y * w + (w - 1 - x);
    case 'top':
      return x * w + y;
    case 'bottom':
      return (h - 1 - x) * w + y;
  }
}

/** Copies `p` into the view where `side`'s band lies on the left. */
export function toView(p: Raster, side: Side): Raster {
  const { width: vw, height: vh } = viewSize(side, p.width, p.height);
  const ch = p.ch;
  const out = new Uint8Array(vw * vh * ch);
  if (side === 'left') out.set(p.data);
  else {
    for (let y = 0, o = 0; y < vh; y++) {
      for (let x = 0; x < vw; x++, o += ch) {
        const s = srcIndex(side, p.width, p.height, x, y) * ch;
        for (let c = 0; c < ch; c++) out[o + c] = p.data[s + c]!;
      }
    }
  }
  return { width: vw, height: vh, ch, data: out };
}

/** Writes view `v` back into `p` (inverse of toView). */
export function fromView(v: Raster, side: Side, p: Raster): void {
  const ch = p.ch;
  if (side === 'left') {
    p.data.set(v.data);
    return;
  }
  for (let y = 0, o = 0; y < v.height; y++) {
    for (let x = 0; x < v.width; x++, o += ch) {
      const s = srcIndex(side, p.width, p.height, x, y) * ch;
      for (let c = 0; c < ch; c++) p.data[s + c] = v.data[o + c]!;
    }
  }
}

/** The rectangle of a w×h image that `side`'s view rectangle `r` shows. */
export function rectFromView(side: Side, w: number, h: number, r: Rect): Rect {
  switch (side) {
    case 'left':
      return { ...r };
    case 'right':
      return { x0: w - r.x1, y0: r.y0, x1: w - r.x0, y1: r.y1 };
    case 'top':
      return { x0: r.y0, y0: r.x0, x1: r.y1, y1: r.x1 };
    case 'bottom':
      return { x0: r.y0, y0: h - r.x1, x1: r.y1, y1: h - r.x0 };
  }
}

/** Inverse of rectFromView: where rectangle `r` of a w×h image lies in `side`'s view. */
export function rectToView(side: Side, w: number, h: number, r: Rect): Rect {
  switch (side) {
    case 'left':
      return { ...r };
    case 'right':
      return { x0: w - r.x1, y0: r.y0, x1: w - r.x0, y1: r.y1 };
    case 'top':
      return { x0: r.y0, y0: r.x0, x1: r.y1, y1: r.x1 };
    case 'bottom':
      return { x0: h - r.y1, y0: r.x0, x1: h - r.y0, y1: r.x1 };
  }
}
