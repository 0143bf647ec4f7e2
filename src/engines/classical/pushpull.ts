/**
 * Push–pull fill: a smooth first guess for arbitrary holes that spreads outward from every known
 * pixel at once (filling along rows instead leaves flat colour bands, see docs/classical-engine.md).
 */
import type { Raster } from './raster.js';

interface Level {
  w: number;
  h: number;
  rgb: Float32Array;
  wt: Float32Array;
}

/** Fills pixels with hole=1 in `img` (in place) from the known ones. */
export function pushPullFill(img: Raster, hole: Uint8Array): void {
  const { width: W, height: H, data } = img;
  const base: Level = { w: W, h: H, rgb: new Float32Array(W * H * 3), wt: new Float32Array(W * H) };
  for (let p = 0; p < W * H; p++) {
    if (hole[p]) continue;
    base.wt[p] = 1;
    for (let c = 0; c < 3; c++) base.rgb[p * 3 + c] = data[p * 3 + c]!;
  }
  const levels: Level[] = [base];
  for (;;) {
    const l = levels[levels.length - 1]!;
    let empty = false;
    for (let p = 0; p < l.w * l.h; p++) if (l.wt[p] === 0) { empty = true; break; }
    if (!empty || (l.w <= 1 && l.h <= 1)) break;
    levels.push(push(l));
  }
  // Pull: every empty pixel takes the bilinear estimate from the next coarser (already filled) level.
  for (let i = levels.length - 2; i >= 0; i--) {
    const f = levels[i]!;
    const c = levels[i + 1]!;
    for (let y = 0; y < f.h; y++) {
      for (let x = 0; x < f.w; x++) {
        const p = y * f.w + x;
        if (f.wt[p]! > 0) {
          if (f.wt[p]! < 1) for (let ch = 0; ch < 3; ch++) f.rgb[p * 3 + ch] = f.rgb[p * 3 + ch]! / f.wt[p]!;
          continue;
        }
        sampleBilinear(c, (x + 0.5) / 2 - 0.5, (y + 0.5) / 2 - 0.5, f.rgb, p * 3);
      }
    }
    f.wt.fill(1);
  }
  for (let p = 0; p < W * H; p++) {
    if (!hole[p]) continue;
    for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.max(0, Math.min(255, Math.round(base.rgb[p * 3 + c]!)));
  }
}

function push(l: Level): Level {
  const w = Math.max(1, (l.w + 1) >> 1);
  const h = Math.max(1, (l.h + 1) >> 1);
  const rgb = new Float32Array(w * h * 3);
  const wt = new Float32Array(w * h);
  for (let y = 0; y < l.h; y++) {
    for (let x = 0; x < l.w; x++) {
      const s = y * l.w + x;
      const k = l.wt[s]!;
      if (k === 0) continue;
      const o = (y >> 1) * w + (x >> 1);
      wt[o]! += k;
      for (let c = 0; c < 3; c++) rgb[o * 3 + c]! += l.rgb[s * 3 + c]!;
    }
  }
  // Keep colours as weighted means with weight capped at 1 so dense areas don't swamp sparse ones.
  for (let p = 0; p < w * h; p++) {
    const k = wt[p]!;
    if (k === 0) continue;
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgb[p * 3 + c]! / k;
    wt[p] = 1;
  }
  return { w, h, rgb, wt };
}

function sampleBilinear(l: Level, fx: number, fy: number, out: Float32Array, o: number): void {
  const x = Math.max(0, Math.min(l.w - 1, fx));
  const y = Math.max(0, Math.min(l.h - 1, fy));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(l.w - 1, x0 + 1), y1 = Math.min(l.h - 1, y0 + 1);
  const ax = x - x0, ay = y - y0;
  for (let c = 0; c < 3; c++) {
    const a = l.rgb[(y0 * l.w + x0) * 3 + c]!, b = l.rgb[(y0 * l.w + x1) * 3 + c]!;
    const d = l.rgb[(y1 * l.w + x0) * 3 + c]!, e = l.rgb[(y1 * l.w + x1) * 3 + c]!;
    out[o + c] = (a * (1 - ax) + b * ax) * (1 - ay) + (d * (1 - ax) + e * ax) * ay;
  }
}
