/**
 * Evaluation helpers shared by the tests and the benchmark (not used by the engine itself):
 * a deterministic synthetic landscape, a reflect-and-blur baseline, and the quality measures
 * (seam gradient, Laplacian variance, colour mean) described in docs/classical-engine.md.
 */
import type { RawImage } from '../../src/image/raw.js';
import { mulberry32 } from '../../src/engines/classical/rng.js';

/** A deterministic textured landscape (sky with clouds, ridge, forest, grass) for when no photo is at hand. */
export function syntheticLandscape(w: number, h: number, seed = 7): RawImage {
  const noise = valueNoise(seed);
  const data = new Uint8Array(w * h * 3);
  for (let x = 0; x < w; x++) {
    const ridge = h * (0.42 + 0.12 * fbm(noise, x / 140, 0.5, 4) - 0.06);
    const treeLine = h * (0.66 + 0.05 * fbm(noise, x / 60, 3.5, 3));
    for (let y = 0; y < h; y++) {
      const o = (y * w + x) * 3;
      let r: number, g: number, b: number;
      if (y < ridge) {
        const t = y / h;
        const cloud = Math.max(0, fbm(noise, x / 90, y / 45, 5) - 0.45) * 2.2;
        r = 90 + 60 * t + 150 * cloud;
        g = 140 + 50 * t + 110 * cloud;
        b = 220 - 20 * t + 30 * cloud;
      } else if (y < treeLine) {
        const n = fbm(noise, x / 6, y / 6, 3);
        const m = fbm(noise, x / 40, y / 40, 2);
        r = 50 + 40 * n + 30 * m;
        g = 80 + 70 * n + 20 * m;
        b = 60 + 30 * n;
      } else {
        const n = fbm(noise, x / 3, y / 9, 3);
        const m = fbm(noise, x / 70, y / 30, 3);
        r = 70 + 60 * n + 40 * m;
        g = 110 + 70 * n + 30 * m;
        b = 40 + 30 * n;
      }
      data[o] = clamp(r);
      data[o + 1] = clamp(g);
      data[o + 2] = clamp(b);
    }
  }
  return { width: w, height: h, channels: 3, data };
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

type Noise = (x: number, y: number) => number;

function valueNoise(seed: number): Noise {
  const rng = mulberry32(seed);
  const N = 256;
  const table = new Float32Array(N * N);
  for (let i = 0; i < table.length; i++) table[i] = rng();
  const at = (x: number, y: number): number => table[((y & (N - 1)) * N + (x & (N - 1)))]!;
  return (x, y) => {
    const x0 = Math.floor(x), y0 = Math.floor(y);
    const fx = x - x0, fy = y - y0;
    const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
    const a = at(x0, y0), b = at(x0 + 1, y0), c = at(x0, y0 + 1), d = at(x0 + 1, y0 + 1);
    return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
  };
}

function fbm(n: Noise, x: number, y: number, oct: number): number {
  let s = 0, amp = 0.5, norm = 0;
  for (let i = 0; i < oct; i++) {
    s += amp * n(x * (1 << i), y * (1 << i));
    norm += amp;
    amp *= 0.5;
  }
  return s / norm;
}

/** The baseline: every masked pixel reflected into the known rectangle, then box-blurred (radius 3). */
export function mirrorFill(img: RawImage, mask: Uint8Array): RawImage {
  const { width: w, height: h } = img;
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (mask[y * w + x]! < 128) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  const refl = (v: number, lo: number, hi: number): number => {
    const n = hi - lo + 1;
    let t = (v - lo) % (2 * n);
    if (t < 0) t += 2 * n;
    return lo + (t < n ? t : 2 * n - 1 - t);
  };
  const out = img.data.slice();
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (mask[y * w + x]! < 128) continue;
    const s = (refl(y, y0, y1) * w + refl(x, x0, x1)) * 3;
    for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = img.data[s + c]!;
  }
  const blurred = out.slice();
  const R = 3;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (mask[y * w + x]! < 128) continue;
    for (let c = 0; c < 3; c++) {
      let s = 0, n = 0;
      for (let v = Math.max(0, y - R); v <= Math.min(h - 1, y + R); v++) for (let u = Math.max(0, x - R); u <= Math.min(w - 1, x + R); u++) {
        s += out[(v * w + u) * 3 + c]!;
        n++;
      }
      blurred[(y * w + x) * 3 + c] = Math.round(s / n);
    }
  }
  return { width: w, height: h, channels: 3, data: blurred };
}

function luma(img: RawImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  for (let p = 0; p < n; p++) out[p] = 0.299 * img.data[p * 3]! + 0.587 * img.data[p * 3 + 1]! + 0.114 * img.data[p * 3 + 2]!;
  return out;
}

/** Quality of a fill against the truth; `mask` ≥128 marks the generated region. */
export interface FillQuality {
  /** Mean |luma step| across the mask boundary ÷ the true image's mean |luma step| across the same pixel pairs. */
  seamRatio: number;
  /** The same step ÷ the true image's mean |luma step| over all neighbours (harsh where the boundary crosses edges). */
  seamVsImage: number;
  /** Laplacian variance of the generated region ÷ that of the same region in the truth. */
  sharpRatio: number;
  /** Largest per-channel difference of the region's mean colour against the truth's. */
  colourDiff: number;
}

/** Measures seam, blur and colour of `fill` against `truth` over the masked region. */
export function fillQuality(fill: RawImage, truth: RawImage, mask: Uint8Array): FillQuality {
  const { width: w, height: h } = truth;
  const lf = luma(fill);
  const lt = luma(truth);
  let seam = 0, ns = 0, inside = 0, ni = 0, trueSeam = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const p = y * w + x;
    const m = mask[p]! >= 128;
    if (x + 1 < w) {
      inside += Math.abs(lt[p + 1]! - lt[p]!); ni++;
      if (m !== mask[p + 1]! >= 128) { seam += Math.abs(lf[p + 1]! - lf[p]!); trueSeam += Math.abs(lt[p + 1]! - lt[p]!); ns++; }
    }
    if (y + 1 < h) {
      inside += Math.abs(lt[p + w]! - lt[p]!); ni++;
      if (m !== mask[p + w]! >= 128) { seam += Math.abs(lf[p + w]! - lf[p]!); trueSeam += Math.abs(lt[p + w]! - lt[p]!); ns++; }
    }
  }
  return {
    seamRatio: ns ? seam / Math.max(1e-9, trueSeam) : 0,
    seamVsImage: ns ? seam / ns / (inside / ni) : 0,
    sharpRatio: lapVar(lf, w, h, mask) / Math.max(1e-9, lapVar(lt, w, h, mask)),
    colourDiff: Math.max(...[0, 1, 2].map((c) => Math.abs(regionMean(fill, mask, c) - regionMean(truth, mask, c)))),
  };
}

/** Variance of the 4-neighbour Laplacian of luma over masked pixels whose neighbours are masked too. */
export function lapVar(l: Float32Array, w: number, h: number, mask: Uint8Array): number {
  let s = 0, s2 = 0, n = 0;
  for (let y = 1; y < h - 1; y++) for (let x = 1; x < w - 1; x++) {
    const p = y * w + x;
    if (mask[p]! < 128 || mask[p - 1]! < 128 || mask[p + 1]! < 128 || mask[p - w]! < 128 || mask[p + w]! < 128) continue;
    const v = 4 * l[p]! - l[p - 1]! - l[p + 1]! - l[p - w]! - l[p + w]!;
    s += v; s2 += v * v; n++;
  }
  return n ? s2 / n - (s / n) ** 2 : 0;
}

/** Laplacian variance of an image's luma over `mask` (whole image when omitted). */
export function imageLapVar(img: RawImage, mask?: Uint8Array): number {
  return lapVar(luma(img), img.width, img.height, mask ?? new Uint8Array(img.width * img.height).fill(255));
}

function regionMean(img: RawImage, mask: Uint8Array, c: number): number {
  let s = 0, n = 0;
  for (let p = 0; p < mask.length; p++) if (mask[p]! >= 128) { s += img.data[p * 3 + c]!; n++; }
  return n ? s / n : 0;
}
