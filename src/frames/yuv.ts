/**
 * RGB ↔ yuv420p (BT.601, limited range: the conversion ffmpeg applies to rgb24 input by
 * default). The WebAssembly path composites planes directly (assembly/planes.ts uses the same
 * coefficients); these are the plain-JS fallback and a way back to RGB for callers of onFrame.
 */

/** Bytes of a yuv420p frame of even size width×height. */
export function yuvFrameBytes(width: number, height: number): number {
  return width * height + 2 * (width >> 1) * (height >> 1);
}

/** Converts interleaved RGB (width×height, even) into the planes of `out` (yuv420p). */
export function rgbToYuv420(rgb: Uint8Array, width: number, height: number, out: Uint8Array): void {
  const cw = width >> 1;
  const ch = height >> 1;
  for (let i = 0, p = 0; i < width * height; i++, p += 3) {
    out[i] = Math.round(16 + (65.481 * rgb[p]! + 128.553 * rgb[p + 1]! + 24.966 * rgb[p + 2]!) / 255);
  }
  const u0 = width * height;
  const v0 = u0 + cw * ch;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const a = (2 * y * width + 2 * x) * 3;
      const b = a + width * 3;
      const r = (rgb[a]! + rgb[a + 3]! + rgb[b]! + rgb[b + 3]!) / 4;
      const g = (rgb[a + 1]! + rgb[a + 4]! + rgb[b + 1]! + rgb[b + 4]!) / 4;
      const bl = (rgb[a + 2]! + rgb[a + 5]! + rgb[b + 2]! + rgb[b + 5]!) / 4;
      out[u0 + y * cw + x] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * bl) / 255);
      out[v0 + y * cw + x] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * bl) / 255);
    }
  }
}

const clamp = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Converts a yuv420p frame back to interleaved RGB (chroma repeated over each 2×2 block). */
export function yuv420ToRgb(yuv: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const cw = width >> 1;
  const u0 = width * height;
  const v0 = u0 + cw * (height >> 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = (y >> 1) * cw + (x >> 1);
      const yy = (yuv[y * width + x]! - 16) * (255 / 219);
      const u = (yuv[u0 + c]! - 128) * (255 / 224);
      const v = (yuv[v0 + c]! - 128) * (255 / 224);
      const o = (y * width + x) * 3;
      out[o] = clamp(yy + 1.402 * v);
      out[o + 1] = clamp(yy - 0.344136 * u - 0.714136 * v);
      out[o + 2] = clamp(yy + 1.772 * u);
    }
  }
  return out;
}
