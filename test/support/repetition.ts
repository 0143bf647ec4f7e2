/**
 * Repetition and blotch measures (docs/classical-engine.md), shared by test/quality and bench/:
 * - repetition: the share of textured 16×16 patches of a region whose best match elsewhere in the
 *   frame (or its mirror image), further than a small radius, is near-identical — copies of the
 *   same pixels, the "tunnel of repeats" of chained zoom-outs;
 * - blotch: the share of a region lying in connected regions of near-constant colour larger than a
 *   set area — flat smears where the source has fine light/dark texture.
 * Both run on a copy scaled so the frame's long side is `workSide` px (default 256), so they cost
 * the same at any size and compare 512², 1080×1080 and 1080×1920 on one scale.
 */
import type { RawImage } from '../../src/image/raw.js';

/** Luma of an image box-downscaled by an integer factor, and the factor. */
function smallLuma(img: RawImage, workSide: number): { l: Float32Array; w: number; h: number; f: number } {
  const f = Math.max(1, Math.round(Math.max(img.width, img.height) / workSide));
  const w = Math.floor(img.width / f);
  const h = Math.floor(img.height / f);
  const l = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let v = 0; v < f; v++) {
        for (let u = 0; u < f; u++) {
          const p = ((y * f + v) * img.width + x * f + u) * 3;
          s += 0.299 * img.data[p]! + 0.587 * img.data[p + 1]! + 0.114 * img.data[p + 2]!;
        }
      }
      l[y * w + x] = s / (f * f);
    }
  }
  return { l, w, h, f };
}

/** Whether the region (mask ≥ 128 at full size) covers most of the f×f cell at small (x, y). */
function inRegion(mask: Uint8Array, full: number, f: number, x: number, y: number): boolean {
  let n = 0;
  for (let v = 0; v < f; v++) for (let u = 0; u < f; u++) if (mask[(y * f + v) * full + x * f + u]! >= 128) n++;
  return 2 * n > f * f;
}

export interface RepetitionOptions {
  /** Patch side at the working scale (px). */
  readonly patch?: number;
  /** Matches closer than this (working px, either axis) are the patch itself, not a repeat. */
  readonly radius?: number;
  /** Near-identical: mean-removed squared difference ≤ this share of the patch's own variance. */
  readonly tolerance?: number;
  readonly workSide?: number;
}

/** Share of textured patches on a grid over `mask` whose best match elsewhere is near-identical. */
export function repetitionShare(img: RawImage, mask: Uint8Array, o: RepetitionOptions = {}): { share: number; patches: number } {
  const P = o.patch ?? 16;
  const R = o.radius ?? 12;
  const tol = o.tolerance ?? 0.3;
  const { l, w, h, f } = smallLuma(img, o.workSide ?? 256);
  const mir = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) mir[y * w + x] = l[y * w + (w - 1 - x)]!;
  // Per-candidate sums for mean removal (summed-area table of l).
  const sat = (a: Float32Array): Float64Array => {
    const s = new Float64Array((w + 1) * (h + 1));
    for (let y = 0; y < h; y++) {
      let row = 0;
      for (let x = 0; x < w; x++) {
        row += a[y * w + x]!;
        s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1]! + row;
      }
    }
    return s;
  };
  const sums = [sat(l), sat(mir)];
  const n = P * P;
  let patches = 0;
  let repeats = 0;
  const t = new Float32Array(n);
  for (let py = 0; py + P <= h; py += P) {
    for (let px = 0; px + P <= w; px += P) {
      if (!inRegion(mask, img.width, f, px + (P >> 1), py + (P >> 1))) continue;
      let mean = 0;
      for (let j = 0; j < P; j++) for (let i = 0; i < P; i++) mean += t[j * P + i] = l[(py + j) * w + px + i]!;
      mean /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (t[i]! -= mean) ** 2;
      // Flat patches (sky, wall) match anything: not features, so not counted.
      if (v / n < 16) continue;
      patches++;
      const bound = tol * v;
      let found = false;
      for (let m = 0; m < 2 && !found; m++) {
        const src = m === 0 ? l : mir;
        const S = sums[m]!;
        for (let y = 0; y + P <= h && !found; y++) {
          for (let x = 0; x + P <= w; x++) {
            const sx = m === 0 ? x : w - P - x;
            if (m === 0 && Math.abs(x - px) < R && Math.abs(y - py) < R) continue;
            if (m === 1 && Math.abs(sx - px) < R && Math.abs(y - py) < R && Math.abs(sx - px) < 2) continue;
            const cm = (S[(y + P) * (w + 1) + x + P]! - S[y * (w + 1) + x + P]! - S[(y + P) * (w + 1) + x]! + S[y * (w + 1) + x]!) / n;
            let d = 0;
            for (let j = 0; j < P && d <= bound; j++) {
              const ro = (y + j) * w + x;
              for (let i = 0; i < P; i++) {
                const e = src[ro + i]! - cm - t[j * P + i]!;
                d += e * e;
              }
            }
            if (d <= bound) {
              found = true;
              break;
            }
          }
        }
      }
      if (found) repeats++;
    }
  }
  return { share: patches ? repeats / patches : 0, patches };
}

export interface BlotchOptions {
  /** Near-constant: luma range over the 5×5 neighbourhood ≤ this (levels). */
  readonly flat?: number;
  /** Smallest connected flat area that counts as a blotch, as a share of the frame's area. */
  readonly minShare?: number;
  readonly workSide?: number;
}

/** Share of the region (mask ≥ 128) lying in connected near-constant regions larger than minShare of the frame. */
export function blotchShare(img: RawImage, mask: Uint8Array, o: BlotchOptions = {}): number {
  const flatT = o.flat ?? 3;
  const { l, w, h, f } = smallLuma(img, o.workSide ?? 256);
  const minA = Math.max(16, Math.round((o.minShare ?? 0.001) * w * h));
  const flat = new Uint8Array(w * h);
  for (let y = 2; y < h - 2; y++) {
    for (let x = 2; x < w - 2; x++) {
      let lo = 255, hi = 0;
      for (let v = -2; v <= 2; v++) for (let u = -2; u <= 2; u++) {
        const q = l[(y + v) * w + x + u]!;
        if (q < lo) lo = q;
        if (q > hi) hi = q;
      }
      flat[y * w + x] = hi - lo <= flatT ? 1 : 0;
    }
  }
  const region = new Uint8Array(w * h);
  let total = 0;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (inRegion(mask, img.width, f, x, y)) { region[y * w + x] = 1; total++; }
  // Connected flat components (4-neighbour), counted over the whole frame so a blotch reaching
  // into the known part is measured at its real size; only its pixels inside the region count.
  const seen = new Uint8Array(w * h);
  const stack: number[] = [];
  let blotched = 0;
  for (let s = 0; s < w * h; s++) {
    if (!flat[s] || seen[s] || !region[s]) continue;
    const comp: number[] = [];
    seen[s] = 1;
    stack.push(s);
    while (stack.length) {
      const p = stack.pop()!;
      comp.push(p);
      const x = p % w;
      for (const q of [p - 1, p + 1, p - w, p + w]) {
        if (q < 0 || q >= w * h || (q === p - 1 && x === 0) || (q === p + 1 && x === w - 1)) continue;
        if (flat[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (comp.length >= minA) for (const p of comp) if (region[p]) blotched++;
  }
  return total ? blotched / total : 0;
}
