/**
 * Band colour from what lies next to it. Over many photos the colour of the pixels just inside the
 * boundary predicts the mean colour of what lies beyond far better than the quilted blocks do
 * (blocks come from anywhere in the frame and bring their own brightness), so each row of the band
 * is shifted — by an offset smoothed along the band, the same for the whole row — until its mean
 * colour equals that of a thin strip of pixels right of the band. Texture and the fill's own
 * variation across the band are kept; only the row's average moves.
 */
import type { Raster } from './raster.js';

/** Width of the strip right of the band whose colour the band takes on (4–8 px predict equally well). */
const STRIP = 6;
/**
 * Smoothing along the band (px): follows the boundary's colour regions without printing its details
 * as stripes. Over chained zoom-outs each band inherits the strip's colour, so a stripe, once there,
 * is carried outward; 16 px drew visible streaks in grass, 32 px far fewer, at the same colour error
 * (24 cases: mean 5.82 vs 5.86) and a lower worst seam (1.29 vs 1.21).
 */
const SIGMA = 32;

/** Shifts the non-fixed pixels of columns [0,bw) in rows [r0,r1) toward the strip right of the band. */
export function matchBandColour(work: Raster, fixed: Uint8Array, bw: number, r0: number, r1: number): void {
  const W = work.width;
  const wd = work.data;
  const n = r1 - r0;
  if (bw <= 0 || n <= 0 || bw >= W) return;
  const strip = Math.max(1, Math.min(W - bw, STRIP));
  const t = new Float64Array(n * 3);
  const f = new Float64Array(n * 3);
  const fc = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const y = r0 + j;
    for (let x = bw; x < bw + strip; x++) for (let c = 0; c < 3; c++) t[j * 3 + c]! += wd[(y * W + x) * 3 + c]! / strip;
    for (let x = 0; x < bw; x++) {
      if (fixed[y * W + x]) continue;
      for (let c = 0; c < 3; c++) f[j * 3 + c]! += wd[(y * W + x) * 3 + c]!;
      fc[j]! += 1;
    }
  }
  const sigma = SIGMA;
  const R = Math.ceil(3 * sigma);
  const wts = new Float64Array(2 * R + 1);
  for (let g = -R; g <= R; g++) wts[g + R] = Math.exp((-g * g) / (2 * sigma * sigma));
  for (let j = 0; j < n; j++) {
    let wt = 0, wf = 0;
    const st = [0, 0, 0], sf = [0, 0, 0];
    for (let g = Math.max(0, j - R); g <= Math.min(n - 1, j + R); g++) {
      const w = wts[g - j + R]!;
      wt += w;
      wf += w * fc[g]!;
      for (let c = 0; c < 3; c++) {
        st[c]! += w * t[g * 3 + c]!;
        sf[c]! += w * f[g * 3 + c]!;
      }
    }
    if (wf <= 0) continue;
    const y = r0 + j;
    for (let x = 0; x < bw; x++) {
      const p = y * W + x;
      if (fixed[p]) continue;
      for (let c = 0; c < 3; c++) {
        const v = wd[p * 3 + c]! + (st[c]! / wt - sf[c]! / wf);
        wd[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
}

/** Radius of the blur that splits detail (high-pass) from the rest. */
const HP_R = 2;
/** How much more detail than the strip next to it the band may carry before it is damped. */
const DETAIL_HEADROOM = 3;
/** Strip (px) whose detail sets the bound, and the window (px) over which the band's detail is measured. */
const DETAIL_STRIP = 16;
const DETAIL_WIN = 6;
/**
 * The other direction: where the band is smoother than the strip next to it, its detail is raised
 * toward the strip's, by a gain of at most GMAX. EM voting and the pyramid soften fine foliage to
 * ~0.6× the strip's Laplacian variance; the strip says how much detail belongs there. (Measured on
 * 24 cases: raising to 1/1.5² of the strip lifted the worst band from 0.55 to 0.60 of the truth's
 * detail, raising to the strip's level with GMAX 2 to 0.79; GMAX 2.5 pushed seams to 1.31.)
 */
const GMAX = 2;

/** Box mean of radius r over a w×h float plane (clamped at the edges), separable. */
function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let u = Math.max(0, x - r); u <= Math.min(w - 1, x + r); u++) { s += src[y * w + u]!; n++; }
      tmp[y * w + x] = s / n;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, n = 0;
      for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++) { s += tmp[v * w + x]!; n++; }
      out[y * w + x] = s / n;
    }
  }
  return out;
}

/**
 * Keeps the band's detail in line with the strip right of it (same rows, smoothed along the band):
 * where the fill's local high-pass energy exceeds DETAIL_HEADROOM² × the strip's, its high-pass part
 * is scaled down to that bound, so a plain sky stays plain instead of receiving copied rock grain or
 * dark specks; where it is below the strip's, it is raised (gain ≤ GMAX). Then, when `fine` (zoned
 * fills, refine-zone.ts), matchFineDetail.
 */
export function limitDetail(work: Raster, fixed: Uint8Array, bw: number, r0: number, r1: number, fine = false): void {
  const W = work.width;
  const wd = work.data;
  const n = r1 - r0;
  const xs = Math.min(W, bw + 2 + DETAIL_STRIP);
  if (bw <= 0 || n <= 0 || xs <= bw + 2) return;
  const cw = xs;
  // Luma of the region (band + strip) and its high-pass.
  const lum = lumaRegion(work, r0, n, cw);
  const low = boxMean(lum, cw, n, HP_R);
  const e2 = new Float32Array(cw * n);
  for (let i = 0; i < e2.length; i++) e2[i] = (lum[i]! - low[i]!) ** 2;
  const ef = boxMean(e2, cw, n, DETAIL_WIN);
  // Strip energy per row, smoothed along the band.
  const es = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let x = bw + 2; x < xs; x++) s += e2[j * cw + x]!;
    es[j] = s / (xs - bw - 2);
  }
  const esS = boxMean(es, 1, n, 16);
  // Gain per band pixel: < 1 where the band is busier than the bound, > 1 where it is smoother than the strip.
  const gain = new Float32Array(cw * n).fill(1);
  for (let j = 0; j < n; j++) {
    const bound = DETAIL_HEADROOM * DETAIL_HEADROOM * esS[j]! + 4;
    const lowB = esS[j]! + 4;
    for (let x = 0; x < bw; x++) {
      const e = ef[j * cw + x]! + 4;
      gain[j * cw + x] = e > bound ? Math.sqrt(bound / e) : e < lowB ? Math.min(GMAX, Math.sqrt(lowB / e)) : 1;
    }
  }
  // Damping scales each channel's high-pass; raising adds the luma high-pass only, so the fill's
  // colour noise is not amplified along with its detail.
  const ch = new Float32Array(cw * n);
  for (let c = 0; c < 3; c++) {
    for (let j = 0; j < n; j++) for (let x = 0; x < cw; x++) ch[j * cw + x] = wd[((r0 + j) * W + x) * 3 + c]!;
    const lc = boxMean(ch, cw, n, HP_R);
    for (let j = 0; j < n; j++) {
      for (let x = 0; x < bw; x++) {
        const p = (r0 + j) * W + x;
        const i = j * cw + x;
        const g = gain[i]!;
        if (fixed[p] || g === 1) continue;
        const v = g < 1 ? lc[i]! + g * (ch[i]! - lc[i]!) : ch[i]! + (g - 1) * (lum[i]! - low[i]!);
        wd[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
  if (fine) matchFineDetail(work, fixed, bw, r0, r1);
}

/** Rows (either side) over which the band's and the strip's finest detail are compared. */
const FINE_ROWS = 64;
/**
 * Laplacian variance that rounding to bytes adds to a smooth float image (uniform error of
 * variance 1/12 per pixel, 4² + 4 × 1² = 20 of it through the 4-neighbour Laplacian): the
 * strip's measure already contains it, so the float result aims that much lower.
 */
const ROUNDING = 20 / 12;

/** Per row, the sums the gain is solved from (band: low-pass and high-pass Laplacians; strip: Laplacian). */
interface FineSums {
  aa: Float64Array;
  ab: Float64Array;
  bb: Float64Array;
  n: Float64Array;
  s: Float64Array;
  ns: Float64Array;
}

/**
 * The band's finest detail (4-neighbour Laplacian of luma, the scale at which texture looks crisp or
 * noisy) made equal to the strip's, row window by row window. The local bound above works on a 5×5
 * high-pass with a floor of 4 levels², which on a 1080×1920 frame (photos enlarged 1.5–2.4×, fine
 * energy ~1 level²) never acts: the unrefined quilted interiors of large fills and the per-pixel
 * votes near the seam carried 1.5–3× the strip's Laplacian variance (issue 15). The 3×3 high-pass of
 * each band row is scaled by one gain (≤ 2, smooth along the band), the root of
 * |L(low) + g·L(high)|² = strip energy over the window, so the measure is met exactly before rounding.
 * Only on zoned fills: on fully refined 512² bands, over chained zoom-outs each step matched the
 * ring to a strip that was the previous ring's outer edge, and detail decayed (forest-path, 12 steps
 * at 512²: the newest ring kept 0.31 × the original's Laplacian variance, 1.43 without; a 1080×1920
 * chain kept 7.8 ×).
 */
export function matchFineDetail(work: Raster, fixed: Uint8Array, bw: number, r0: number, r1: number): void {
  const W = work.width;
  const wd = work.data;
  const n = r1 - r0;
  const xs = Math.min(W, bw + 2 + DETAIL_STRIP);
  if (bw < 3 || n < 3 || xs < bw + 5) return;
  const cw = xs;
  const lum = lumaRegion(work, r0, n, cw);
  const low = boxMean(lum, cw, n, 1);
  const high = new Float32Array(cw * n);
  for (let i = 0; i < high.length; i++) high[i] = lum[i]! - low[i]!;
  const sums = fineSums(lum, low, high, fixed, W, cw, n, bw, r0);
  const gain = fineGain(sums, n);
  const ch = new Float32Array(cw * n);
  for (let c = 0; c < 3; c++) {
    for (let j = 0; j < n; j++) for (let x = 0; x < cw; x++) ch[j * cw + x] = wd[((r0 + j) * W + x) * 3 + c]!;
    const lc = boxMean(ch, cw, n, 1);
    for (let j = 0; j < n; j++) {
      const g = gain[j]!;
      if (g === 1) continue;
      for (let x = 0; x < bw; x++) {
        const p = (r0 + j) * W + x;
        if (fixed[p]) continue;
        const i = j * cw + x;
        // As above: damping scales each channel's high-pass, raising adds the luma high-pass.
        const v = g < 1 ? lc[i]! + g * (ch[i]! - lc[i]!) : ch[i]! + (g - 1) * high[i]!;
        wd[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
}

function fineSums(lum: Float32Array, low: Float32Array, high: Float32Array, fixed: Uint8Array, W: number, cw: number, n: number, bw: number, r0: number): FineSums {
  const z = (): Float64Array => new Float64Array(n);
  const f: FineSums = { aa: z(), ab: z(), bb: z(), n: z(), s: z(), ns: z() };
  const lap = (a: Float32Array, i: number): number => 4 * a[i]! - a[i - 1]! - a[i + 1]! - a[i - cw]! - a[i + cw]!;
  for (let j = 1; j < n - 1; j++) {
    for (let x = 1; x < bw; x++) {
      if (fixed[(r0 + j) * W + x]) continue;
      const i = j * cw + x;
      const a = lap(low, i), b = lap(high, i);
      f.aa[j]! += a * a;
      f.ab[j]! += a * b;
      f.bb[j]! += b * b;
      f.n[j]! += 1;
    }
    for (let x = bw + 2; x < cw - 1; x++) {
      const l = lap(lum, j * cw + x);
      f.s[j]! += l * l;
      f.ns[j]! += 1;
    }
  }
  return f;
}

/** Per-row gain g of the high-pass: energy(g) = aa + 2g·ab + g²·bb over the window equals the strip's. */
function fineGain(f: FineSums, n: number): Float32Array {
  const win = (a: Float64Array): Float32Array => boxMean(Float32Array.from(a), 1, n, FINE_ROWS);
  const [aa, ab, bb, cnt, s, ns] = [win(f.aa), win(f.ab), win(f.bb), win(f.n), win(f.s), win(f.ns)];
  const gain = new Float32Array(n).fill(1);
  for (let j = 0; j < n; j++) {
    if (cnt[j]! <= 0 || ns[j]! <= 0 || bb[j]! <= 0) continue;
    const strip = s[j]! / ns[j]!;
    const target = Math.max(0.25 * strip, strip - ROUNDING) * cnt[j]!;
    const a = aa[j]!, b = ab[j]!, c = bb[j]!;
    const disc = b * b - c * (a - target);
    const g = disc < 0 ? 0 : (-b + Math.sqrt(disc)) / c;
    gain[j] = Math.max(0, Math.min(GMAX, g));
  }
  return gain;
}

/** Luma of columns [0, cw) of rows [r0, r0 + n) of an RGB view, as a cw × n plane. */
function lumaRegion(work: Raster, r0: number, n: number, cw: number): Float32Array {
  const W = work.width;
  const wd = work.data;
  const lum = new Float32Array(cw * n);
  for (let j = 0; j < n; j++) {
    for (let x = 0; x < cw; x++) {
      const p = ((r0 + j) * W + x) * 3;
      lum[j * cw + x] = 0.299 * wd[p]! + 0.587 * wd[p + 1]! + 0.114 * wd[p + 2]!;
    }
  }
  return lum;
}
