export { drawPlane, expandYuv } from "./planes";
// WebAssembly SIMD kernels of the separable resampler (src/frames/passes.ts is the
// plain-JS twin and the reference). All arguments are byte offsets into linear memory
// managed by src/frames/wasm-resampler.ts; nothing here allocates.
//
// Layout: images are interleaved RGB u8; the horizontal buffer is RGB f32; tap tables are
// i32 source byte offsets and f32 weights, `taps` per output pixel.

// Layer images are expanded once to one f32x4 per pixel (R, G, B, 0), so the hot loops
// do one vector load per tap instead of a byte load and three widenings.

@inline
function rgbAt(p: usize): v128 {
  // Reads R, G, B and one byte beyond (callers pad images); the 4th lane is junk.
  return f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
}

/**
 * Expands an RGB u8 image (`width`×`height` at `src`) to f32x4 pixels at `dst`, each row padded
 * with `pad` copies of its edge pixel on both sides, so taps never need clamping.
 */
export function expand(src: usize, dst: usize, width: i32, height: i32, pad: i32): void {
  const stride = <usize>(width + 2 * pad) << 4;
  for (let y = 0; y < height; y++) {
    const s = src + <usize>(y * width) * 3;
    const d = dst + <usize>y * stride;
    const left = rgbAt(s);
    const right = rgbAt(s + <usize>(width - 1) * 3);
    for (let i = 0; i < pad; i++) {
      v128.store(d + (<usize>i << 4), left);
      v128.store(d + (<usize>(pad + width + i) << 4), right);
    }
    const body = d + (<usize>pad << 4);
    for (let x = 0; x < width; x++) v128.store(body + (<usize>x << 4), rgbAt(s + <usize>x * 3));
  }
}

/**
 * Horizontal pass of one expanded source row into buf pixels [from, to). `off` holds each output
 * pixel's first-tap byte offset in the (padded) row; its taps are consecutive pixels. `w` holds
 * one pre-splatted f32x4 weight per tap. Writes 4 floats per pixel at a 12-byte stride, the 4th
 * spilling into the next pixel (rewritten after).
 */
export function hrow(src: usize, rowBase: usize, off: usize, w: usize, taps: i32, buf: usize, from: i32, to: i32): void {
  const row = src + rowBase;
  if (taps == 4 || taps == 5) {
    const five = taps == 5;
    for (let u = from; u < to; u++) {
      const p = row + <usize>load<i32>(off + (<usize>u << 2));
      const wp = w + (<usize>(u * taps) << 4);
      let acc = f32x4.mul(v128.load(p), v128.load(wp));
      acc = f32x4.add(acc, f32x4.mul(v128.load(p, 16), v128.load(wp, 16)));
      acc = f32x4.add(acc, f32x4.mul(v128.load(p, 32), v128.load(wp, 32)));
      acc = f32x4.add(acc, f32x4.mul(v128.load(p, 48), v128.load(wp, 48)));
      if (five) acc = f32x4.add(acc, f32x4.mul(v128.load(p, 64), v128.load(wp, 64)));
      v128.store(buf + (<usize>u * 12), acc);
    }
    return;
  }
  for (let u = from; u < to; u++) {
    const p = row + <usize>load<i32>(off + (<usize>u << 2));
    const wp = w + (<usize>(u * taps) << 4);
    let acc = f32x4.mul(v128.load(p), v128.load(wp));
    for (let t = 1; t < taps; t++) acc = f32x4.add(acc, f32x4.mul(v128.load(p + (<usize>t << 4)), v128.load(wp + (<usize>t << 4))));
    v128.store(buf + (<usize>u * 12), acc);
  }
}

/** Horizontal pass for a pure translation: 4 shared weights (pre-splatted), consecutive pixels from column `first`. */
export function hshift(src: usize, rowBase: usize, first: i32, w: usize, buf: usize, from: i32, to: i32): void {
  const w0 = v128.load(w), w1 = v128.load(w, 16), w2 = v128.load(w, 32), w3 = v128.load(w, 48);
  let p = src + rowBase + (<usize>(first + from) << 4);
  for (let u = from; u < to; u++, p += 16) {
    let acc = f32x4.mul(v128.load(p), w0);
    acc = f32x4.add(acc, f32x4.mul(v128.load(p, 16), w1));
    acc = f32x4.add(acc, f32x4.mul(v128.load(p, 32), w2));
    acc = f32x4.add(acc, f32x4.mul(v128.load(p, 48), w3));
    v128.store(buf + (<usize>u * 12), acc);
  }
}

@inline
function toBytes(v: v128): v128 {
  const i = i32x4.trunc_sat_f32x4_s(f32x4.nearest(v));
  const h = i16x8.narrow_i32x4_s(i, i);
  return i8x16.narrow_i16x8_u(h, h);
}

/**
 * Vertical pass: combines `taps` buf rows (byte offsets in `rows`, weights in `weights`) into
 * output pixels [from, to) of the row at `out`. alphaX = 0 means opaque along x; otherwise
 * one f32 per channel (pixel-major), multiplied by alphaY, blends over what `out` holds.
 */
export function vrow(buf: usize, rows: usize, weights: usize, taps: i32, out: usize, from: i32, to: i32, alphaX: usize, alphaY: f32): void {
  const start = from * 3;
  const end = to * 3;
  const opaque = alphaX == 0 && alphaY >= 1;
  const ay = f32x4.splat(alphaY);
  let o = start;
  // Up to six taps (every case but extreme downscales) with row pointers and weights in locals.
  const n = taps < 6 ? taps : 6;
  const b0 = buf + <usize>load<i32>(rows), w0 = f32x4.splat(load<f32>(weights));
  const b1 = n > 1 ? buf + <usize>load<i32>(rows, 4) : b0, w1 = f32x4.splat(n > 1 ? load<f32>(weights, 4) : 0);
  const b2 = n > 2 ? buf + <usize>load<i32>(rows, 8) : b0, w2 = f32x4.splat(n > 2 ? load<f32>(weights, 8) : 0);
  const b3 = n > 3 ? buf + <usize>load<i32>(rows, 12) : b0, w3 = f32x4.splat(n > 3 ? load<f32>(weights, 12) : 0);
  const b4 = n > 4 ? buf + <usize>load<i32>(rows, 16) : b0, w4 = f32x4.splat(n > 4 ? load<f32>(weights, 16) : 0);
  const b5 = n > 5 ? buf + <usize>load<i32>(rows, 20) : b0, w5 = f32x4.splat(n > 5 ? load<f32>(weights, 20) : 0);
  for (; o + 4 <= end; o += 4) {
    const q = <usize>o << 2;
    let acc = f32x4.mul(v128.load(b0 + q), w0);
    if (n > 1) acc = f32x4.add(acc, f32x4.mul(v128.load(b1 + q), w1));
    if (n > 2) acc = f32x4.add(acc, f32x4.mul(v128.load(b2 + q), w2));
    if (n > 3) acc = f32x4.add(acc, f32x4.mul(v128.load(b3 + q), w3));
    if (n > 4) acc = f32x4.add(acc, f32x4.mul(v128.load(b4 + q), w4));
    if (n > 5) acc = f32x4.add(acc, f32x4.mul(v128.load(b5 + q), w5));
    for (let t = 6; t < taps; t++) {
      const r = buf + <usize>load<i32>(rows + (<usize>t << 2)) + q;
      acc = f32x4.add(acc, f32x4.mul(v128.load(r), f32x4.splat(load<f32>(weights + (<usize>t << 2)))));
    }
    const d = out + <usize>o;
    if (!opaque) {
      // Blend: old + (new − old)·alpha, per channel lane.
      const a = alphaX == 0 ? ay : f32x4.mul(v128.load(alphaX + q), ay);
      const old = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(d))));
      acc = f32x4.add(old, f32x4.mul(f32x4.sub(acc, old), a));
    }
    v128.store32_lane(d, toBytes(acc), 0);
  }
  for (; o < end; o++) {
    const v = column(buf, rows, weights, taps, o);
    const d = out + <usize>o;
    const a: f32 = alphaX == 0 ? alphaY : load<f32>(alphaX + (<usize>o << 2)) * alphaY;
    const old = <f32>load<u8>(d);
    store<u8>(d, clampByte(opaque ? v : old + (v - old) * a));
  }
}

@inline
function column(buf: usize, rows: usize, weights: usize, taps: i32, o: i32): f32 {
  let s: f32 = 0;
  for (let t = 0; t < taps; t++) s += load<f32>(buf + <usize>load<i32>(rows + (<usize>t << 2)) + (<usize>o << 2)) * load<f32>(weights + (<usize>t << 2));
  return s;
}

@inline
function clampByte(v: f32): u8 {
  const r = nearest<f32>(v);
  return <u8>(r <= 0 ? 0 : r >= 255 ? 255 : <i32>r);
}
