/**
 * Plain typed-array images used inside the engine, and the orientation trick that lets one
 * "extend to the left" routine serve every side: each side is rotated/flipped into a view where
 * its band lies on the left, processed, then written back.
 */

/** An interleaved image with `ch` channels (3 for colour, 1 for masks). */
export interface Plane {
  width: number;
  height: number;
  ch: number;
  data: Uint8Array;
}

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
export function toView(p: Plane, side: Side): Plane {
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
export function fromView(v: Plane, side: Side, p: Plane): void {
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

/** Horizontal mirror of an image (a cheap extra source of plausible texture). */
export function mirrorX(p: Plane): Plane {
  const { width: w, height: h, ch } = p;
  const out = new Uint8Array(p.data.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const s = (row + w - 1 - x) * ch;
      const o = (row + x) * ch;
      for (let c = 0; c < ch; c++) out[o + c] = p.data[s + c]!;
    }
  }
  return { width: w, height: h, ch, data: out };
}

/**
 * Halves an image with a 2×2 box filter. For masks (`mode`='all'/'any') a coarse pixel is set when
 * all (resp. any) of its children are set, so known-ness never leaks into the hole.
 */
export function halve(p: Plane, mode: 'mean' | 'all' | 'any' = 'mean'): Plane {
  const w = p.width >> 1;
  const h = p.height >> 1;
  const ch = p.ch;
  const out = new Uint8Array(Math.max(0, w * h * ch));
  const sw = p.width;
  const d = p.data;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = ((2 * y) * sw + 2 * x) * ch;
      const b = a + ch;
      const c2 = a + sw * ch;
      const e = c2 + ch;
      const o = (y * w + x) * ch;
      for (let c = 0; c < ch; c++) {
        const v0 = d[a + c]!, v1 = d[b + c]!, v2 = d[c2 + c]!, v3 = d[e + c]!;
        if (mode === 'mean') out[o + c] = (v0 + v1 + v2 + v3 + 2) >> 2;
        else if (mode === 'all') out[o + c] = v0 && v1 && v2 && v3 ? 1 : 0;
        else out[o + c] = v0 || v1 || v2 || v3 ? 1 : 0;
      }
    }
  }
  return { width: w, height: h, ch, data: out };
}

/** Summed-area table of a 0/1 mask, (w+1)×(h+1), for O(1) "is this rectangle all known" tests. */
export function integral(mask: Uint8Array, w: number, h: number): Int32Array {
  const s = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += mask[y * w + x] ? 1 : 0;
      s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1]! + row;
    }
  }
  return s;
}

/** Count of set mask pixels in [x0,x1)×[y0,y1) from an integral table. */
export function rectSum(s: Int32Array, w: number, x0: number, y0: number, x1: number, y1: number): number {
  const W = w + 1;
  return s[y1 * W + x1]! - s[y0 * W + x1]! - s[y1 * W + x0]! + s[y0 * W + x0]!;
}

/** An axis-aligned rectangle [x0,x1)×[y0,y1). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The rectangle of a w×h image that `side`'s view rectangle `r` shows. */
export function boxFromView(side: Side, w: number, h: number, r: Box): Box {
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

/** Inverse of boxFromView: where rectangle `r` of a w×h image lies in `side`'s view. */
export function boxToView(side: Side, w: number, h: number, r: Box): Box {
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
