/**
 * The image type the classical engine works on: width×height pixels of `ch` interleaved 8-bit
 * channels (3 for colour, 1 for masks). Not called a plane: that word names one of a frame's
 * Y/U/V channels (src/frames/layer-draw.ts). Also the few whole-image operations every stage uses.
 */

/** An interleaved 8-bit image with `ch` channels (3 for colour, 1 for masks). */
export interface Raster {
  width: number;
  height: number;
  ch: number;
  data: Uint8Array;
}

/** Horizontal mirror of an image (a cheap extra source of plausible texture); `shared` puts it in a SharedArrayBuffer. */
export function mirrorX(p: Raster, shared = false): Raster {
  const { width: w, height: h, ch } = p;
  const out = shared ? new Uint8Array(new SharedArrayBuffer(p.data.length)) : new Uint8Array(p.data.length);
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
export function halve(p: Raster, mode: 'mean' | 'all' | 'any' = 'mean'): Raster {
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

/** Summed-area table of a 0/1 mask, (w+1)×(h+1), for O(1) "is this rectangle all known" tests; `into` is reused when its size fits. */
export function integral(mask: Uint8Array, w: number, h: number, into?: Int32Array): Int32Array {
  const s = into?.length === (w + 1) * (h + 1) ? into.fill(0) : new Int32Array((w + 1) * (h + 1));
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

