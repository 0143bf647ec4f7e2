/**
 * The two inner loops of the separable resampler, unrolled for the common tap
 * counts: these run for every pixel of every frame, so they decide the pipeline's speed.
 */

/** Scratch for verticalRow's general case; grows to the widest span seen. */
let acc = new Float32Array(0);

/**
 * Pure translation (one source px per output px): every output pixel shares the same
 * weights and reads consecutive source pixels, so no per-pixel tap table is needed.
 * `first` is the source index of output pixel 0's first tap; callers keep every tap in range.
 */
export function horizontalShift(src: Uint8Array, rowBase: number, first: number, w: Float32Array, buf: Float32Array, dst: number, from: number, to: number): void {
  const w0 = w[0]!, w1 = w[1]!, w2 = w[2]!, w3 = w[3]!;
  const s0 = rowBase + (first + from) * 3;
  const end = (to - from) * 3;
  const d0 = dst + from * 3;
  for (let j = 0; j < end; j++) {
    const o = s0 + j;
    buf[d0 + j] = src[o]! * w0 + src[o + 3]! * w1 + src[o + 6]! * w2 + src[o + 9]! * w3;
  }
}

/** Resamples source row `rowBase` horizontally into `buf[dst + u*3]` for u in [from, to). */
export function horizontalRow(
  src: Uint8Array,
  rowBase: number,
  offset: Int32Array,
  weight: Float32Array,
  taps: number,
  buf: Float32Array,
  dst: number,
  from: number,
  to: number,
): void {
  if (taps === 4) {
    for (let u = from, tb = from * 4, d = dst + from * 3; u < to; u++, tb += 4, d += 3) {
      const o0 = rowBase + offset[tb]!, o1 = rowBase + offset[tb + 1]!, o2 = rowBase + offset[tb + 2]!, o3 = rowBase + offset[tb + 3]!;
      const w0 = weight[tb]!, w1 = weight[tb + 1]!, w2 = weight[tb + 2]!, w3 = weight[tb + 3]!;
      buf[d] = src[o0]! * w0 + src[o1]! * w1 + src[o2]! * w2 + src[o3]! * w3;
      buf[d + 1] = src[o0 + 1]! * w0 + src[o1 + 1]! * w1 + src[o2 + 1]! * w2 + src[o3 + 1]! * w3;
      buf[d + 2] = src[o0 + 2]! * w0 + src[o1 + 2]! * w1 + src[o2 + 2]! * w2 + src[o3 + 2]! * w3;
    }
    return;
  }
  if (taps === 2) {
    for (let u = from, tb = from * 2, d = dst + from * 3; u < to; u++, tb += 2, d += 3) {
      const o0 = rowBase + offset[tb]!, o1 = rowBase + offset[tb + 1]!;
      const w0 = weight[tb]!, w1 = weight[tb + 1]!;
      buf[d] = src[o0]! * w0 + src[o1]! * w1;
      buf[d + 1] = src[o0 + 1]! * w0 + src[o1 + 1]! * w1;
      buf[d + 2] = src[o0 + 2]! * w0 + src[o1 + 2]! * w1;
    }
    return;
  }
  if (taps === 5) {
    for (let u = from, tb = from * 5, d = dst + from * 3; u < to; u++, tb += 5, d += 3) {
      const o0 = rowBase + offset[tb]!, o1 = rowBase + offset[tb + 1]!, o2 = rowBase + offset[tb + 2]!, o3 = rowBase + offset[tb + 3]!, o4 = rowBase + offset[tb + 4]!;
      const w0 = weight[tb]!, w1 = weight[tb + 1]!, w2 = weight[tb + 2]!, w3 = weight[tb + 3]!, w4 = weight[tb + 4]!;
      buf[d] = src[o0]! * w0 + src[o1]! * w1 + src[o2]! * w2 + src[o3]! * w3 + src[o4]! * w4;
      buf[d + 1] = src[o0 + 1]! * w0 + src[o1 + 1]! * w1 + src[o2 + 1]! * w2 + src[o3 + 1]! * w3 + src[o4 + 1]! * w4;
      buf[d + 2] = src[o0 + 2]! * w0 + src[o1 + 2]! * w1 + src[o2 + 2]! * w2 + src[o3 + 2]! * w3 + src[o4 + 2]! * w4;
    }
    return;
  }
  if (taps === 3) {
    for (let u = from, tb = from * 3, d = dst + from * 3; u < to; u++, tb += 3, d += 3) {
      const o0 = rowBase + offset[tb]!, o1 = rowBase + offset[tb + 1]!, o2 = rowBase + offset[tb + 2]!;
      const w0 = weight[tb]!, w1 = weight[tb + 1]!, w2 = weight[tb + 2]!;
      buf[d] = src[o0]! * w0 + src[o1]! * w1 + src[o2]! * w2;
      buf[d + 1] = src[o0 + 1]! * w0 + src[o1 + 1]! * w1 + src[o2 + 1]! * w2;
      buf[d + 2] = src[o0 + 2]! * w0 + src[o1 + 2]! * w1 + src[o2 + 2]! * w2;
    }
    return;
  }
  for (let u = from, d = dst + from * 3; u < to; u++, d += 3) {
    let r = 0, g = 0, b = 0;
    for (let t = 0, tb = u * taps; t < taps; t++) {
      const o = rowBase + offset[tb + t]!;
      const w = weight[tb + t]!;
      r += src[o]! * w;
      g += src[o + 1]! * w;
      b += src[o + 2]! * w;
    }
    buf[d] = r;
    buf[d + 1] = g;
    buf[d + 2] = b;
  }
}

/**
 * Combines `taps` horizontally resampled rows (starting at `rows[i]` in buf) with
 * `weights` into output row `out[outBase + u*3]` for u in [from, to), blending by
 * `alphaX[u] * alphaY` where alphaX is given (null = opaque).
 */
export function verticalRow(
  buf: Float32Array,
  rows: Int32Array,
  weights: Float32Array,
  taps: number,
  out: Uint8ClampedArray,
  outBase: number,
  from: number,
  to: number,
  alphaX: Float32Array | null,
  alphaY: number,
): void {
  const opaque = alphaX === null && alphaY >= 1;
  if (taps === 4 && opaque) {
    const r0 = rows[0]!, r1 = rows[1]!, r2 = rows[2]!, r3 = rows[3]!;
    const w0 = weights[0]!, w1 = weights[1]!, w2 = weights[2]!, w3 = weights[3]!;
    for (let o = from * 3, end = to * 3; o < end; o++) {
      out[outBase + o] = buf[r0 + o]! * w0 + buf[r1 + o]! * w1 + buf[r2 + o]! * w2 + buf[r3 + o]! * w3;
    }
    return;
  }
  if (taps === 2 && opaque) {
    const r0 = rows[0]!, r1 = rows[1]!;
    const w0 = weights[0]!, w1 = weights[1]!;
    for (let o = from * 3, end = to * 3; o < end; o++) out[outBase + o] = buf[r0 + o]! * w0 + buf[r1 + o]! * w1;
    return;
  }
  if (taps === 3 && opaque) {
    const r0 = rows[0]!, r1 = rows[1]!, r2 = rows[2]!;
    const w0 = weights[0]!, w1 = weights[1]!, w2 = weights[2]!;
    for (let o = from * 3, end = to * 3; o < end; o++) out[outBase + o] = buf[r0 + o]! * w0 + buf[r1 + o]! * w1 + buf[r2 + o]! * w2;
    return;
  }
  if (taps === 5 && opaque) {
    const r0 = rows[0]!, r1 = rows[1]!, r2 = rows[2]!, r3 = rows[3]!, r4 = rows[4]!;
    const w0 = weights[0]!, w1 = weights[1]!, w2 = weights[2]!, w3 = weights[3]!, w4 = weights[4]!;
    for (let o = from * 3, end = to * 3; o < end; o++) {
      out[outBase + o] = buf[r0 + o]! * w0 + buf[r1 + o]! * w1 + buf[r2 + o]! * w2 + buf[r3 + o]! * w3 + buf[r4 + o]! * w4;
    }
    return;
  }
  // Any other case: accumulate tap by tap over the whole span (tight loops), then blend.
  const n = (to - from) * 3;
  if (acc.length < n) acc = new Float32Array(n);
  const base = from * 3;
  const w0 = weights[0]!;
  const r0 = rows[0]! + base;
  for (let o = 0; o < n; o++) acc[o] = buf[r0 + o]! * w0;
  for (let t = 1; t < taps; t++) {
    const w = weights[t]!;
    if (w === 0) continue;
    const r = rows[t]! + base;
    for (let o = 0; o < n; o++) acc[o] = acc[o]! + buf[r + o]! * w;
  }
  const d0 = outBase + base;
  if (opaque) {
    for (let o = 0; o < n; o++) out[d0 + o] = acc[o]!;
    return;
  }
  for (let u = 0, o = 0; o < n; u++, o += 3) {
    const a = alphaX === null ? alphaY : alphaX[from + u]! * alphaY;
    if (a <= 0) continue;
    const d = d0 + o;
    out[d] = out[d]! + (acc[o]! - out[d]!) * a;
    out[d + 1] = out[d + 1]! + (acc[o + 1]! - out[d + 1]!) * a;
    out[d + 2] = out[d + 2]! + (acc[o + 2]! - out[d + 2]!) * a;
  }
}
