// correctSeam (src/engines/seam-colour.ts) against the whole-frame box-sum version it replaced:
// the same bytes on a ring hole and an irregular one.
import { describe, expect, it } from 'vitest';
import { correctSeam } from '../../../src/engines/seam-colour.js';

/** Window radius of the local means compared across the seam. */
const LOCAL = 3;
/** Radius along the seam over which the offsets are averaged. */
const ALONG = 10;

/** Separable box sum with radius r (clamped at the edges) of a W×H float image of `ch` interleaved channels. */
function boxSum(src: Float32Array, w: number, h: number, ch: number, r: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let c = 0; c < ch; c++) {
      let s = 0;
      for (let x = -r; x <= r; x++) if (x >= 0 && x < w) s += src[(y * w + x) * ch + c]!;
      for (let x = 0; x < w; x++) {
        tmp[(y * w + x) * ch + c] = s;
        const add = x + r + 1;
        const sub = x - r;
        if (add < w) s += src[(y * w + add) * ch + c]!;
        if (sub >= 0) s -= src[(y * w + sub) * ch + c]!;
      }
    }
  }
  for (let x = 0; x < w; x++) {
    for (let c = 0; c < ch; c++) {
      let s = 0;
      for (let y = -r; y <= r; y++) if (y >= 0 && y < h) s += tmp[(y * w + x) * ch + c]!;
      for (let y = 0; y < h; y++) {
        out[(y * w + x) * ch + c] = s;
        const add = y + r + 1;
        const sub = y - r;
        if (add < h) s += tmp[(add * w + x) * ch + c]!;
        if (sub >= 0) s -= tmp[(sub * w + x) * ch + c]!;
      }
    }
  }
  return out;
}

/** Corrects the colour of the filled pixels (hole = 1) near the seam, in place; `fade` is the falloff length in px. */
/** The version before issue 15's memory work, kept as the reference. */
function referenceCorrectSeam(img: { width: number; height: number; data: Uint8Array }, hole: Uint8Array, fade: number): void {
  const { width: w, height: h, data } = img;
  const n = w * h;
  // Local means of the known and of the filled pixels, each over its own pixels only.
  const kSum = new Float32Array(n * 3);
  const kCnt = new Float32Array(n);
  const fSum = new Float32Array(n * 3);
  const fCnt = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const sum = hole[p] ? fSum : kSum;
    (hole[p] ? fCnt : kCnt)[p] = 1;
    for (let c = 0; c < 3; c++) sum[p * 3 + c] = data[p * 3 + c]!;
  }
  const kS = boxSum(kSum, w, h, 3, LOCAL);
  const kC = boxSum(kCnt, w, h, 1, LOCAL);
  const fS = boxSum(fSum, w, h, 3, LOCAL);
  const fC = boxSum(fCnt, w, h, 1, LOCAL);

  // Seam samples: filled pixels touching a known one; offset = known mean − filled mean there.
  const dist = new Int32Array(n).fill(-1);
  const nearest = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let qn = 0;
  const off = new Float32Array(n * 3);
  const isSample = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    if (!hole[p]) continue;
    const x = p % w;
    const y = (p - x) / w;
    const touches = (x > 0 && !hole[p - 1]) || (x < w - 1 && !hole[p + 1]) || (y > 0 && !hole[p - w]) || (y < h - 1 && !hole[p + w]);
    if (!touches || kC[p]! === 0 || fC[p]! === 0) continue;
    isSample[p] = 1;
    for (let c = 0; c < 3; c++) off[p * 3 + c] = kS[p * 3 + c]! / kC[p]! - fS[p * 3 + c]! / fC[p]!;
    dist[p] = 0;
    nearest[p] = p;
    queue[qn++] = p;
  }
  if (qn === 0) return;
  // Smooth the offsets along the seam: a texture's own detail must not be mistaken for a step.
  const oS = boxSum(off, w, h, 3, ALONG);
  const oC = boxSum(isSample, w, h, 1, ALONG);

  // Breadth-first over the filled pixels, up to `fade` steps from the seam.
  for (let head = 0; head < qn; head++) {
    const p = queue[head]!;
    const d = dist[p]!;
    if (d >= fade) continue;
    const x = p % w;
    const y = (p - x) / w;
    const visit = (q: number): void => {
      if (!hole[q] || dist[q] !== -1) return;
      dist[q] = d + 1;
      nearest[q] = nearest[p]!;
      queue[qn++] = q;
    };
    if (x > 0) visit(p - 1);
    if (x < w - 1) visit(p + 1);
    if (y > 0) visit(p - w);
    if (y < h - 1) visit(p + w);
  }
  for (let i = 0; i < qn; i++) {
    const p = queue[i]!;
    const s = nearest[p]!;
    const t = 1 - dist[p]! / fade;
    const weight = t * t * (3 - 2 * t);
    for (let c = 0; c < 3; c++) {
      const v = data[p * 3 + c]! + (weight * oS[s * 3 + c]!) / oC[s]!;
      data[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
}


function image(w: number, h: number, seed: number): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  let s = seed;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const base = x < w / 2 ? 60 : 170;
      for (let c = 0; c < 3; c++) d[(y * w + x) * 3 + c] = Math.min(255, base + c * 20 + ((s >>> 26) & 31));
    }
  }
  return d;
}

describe('correctSeam', () => {
  it.each(['ring', 'blob'])('gives the same bytes as the whole-frame box sums (%s hole)', (kind) => {
    const w = 90, h = 70;
    const hole = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inRing = x < 9 || x >= w - 9 || y < 7 || y >= h - 7;
        const inBlob = (x - 40) ** 2 + (y - 30) ** 2 < 200 || (x > 70 && y > 50);
        hole[y * w + x] = (kind === 'ring' ? inRing : inBlob) ? 1 : 0;
      }
    }
    const data = image(w, h, kind.length);
    // The fill: a different brightness, so there is a step to correct.
    for (let p = 0; p < w * h; p++) if (hole[p]) for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.max(0, data[p * 3 + c]! - 40);
    const a = { width: w, height: h, data: data.slice() };
    const b = { width: w, height: h, data: data.slice() };
    correctSeam(a, hole, 12);
    referenceCorrectSeam(b, hole, 12);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(data))).toBe(false);
  });
});
