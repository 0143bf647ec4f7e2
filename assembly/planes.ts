// Planar kernels: the video path composites Y, U and V planes (yuv420p) directly, so a
// SIMD lane never idles on a padding channel, chroma costs a quarter of luma, and ffmpeg
// receives half the bytes and converts nothing. src/frames/wasm-planar-kernel.ts drives these; the
// plain-JS reference renders RGB and converts (src/frames/yuv.ts).
//
// Layout: a plane image is f32 samples, each row padded with `pad` copies of its edge sample
// on both sides (taps never clamp). The horizontal buffer is one f32 row of `nc` samples per
// source row. Frames are u8 planes.

// BT.601 limited range, the conversion ffmpeg applies to rgb24 input by default.
const YR: f32 = 65.481 / 255, YG: f32 = 128.553 / 255, YB: f32 = 24.966 / 255;
const UR: f32 = -37.797 / 255, UG: f32 = -74.203 / 255, UB: f32 = 112.0 / 255;
const VR: f32 = 112.0 / 255, VG: f32 = -93.786 / 255, VB: f32 = -18.214 / 255;

@inline
function padRow(row: usize, width: i32, pad: i32): void {
  const left = load<f32>(row + (<usize>pad << 2));
  const right = load<f32>(row + (<usize>(pad + width - 1) << 2));
  for (let i = 0; i < pad; i++) {
    store<f32>(row + (<usize>i << 2), left);
    store<f32>(row + (<usize>(pad + width + i) << 2), right);
  }
}

/**
 * Converts an RGB u8 image to padded f32 planes: Y at full size, U and V at ⌈w/2⌉×⌈h/2⌉
 * from the mean of each 2×2 block (odd edges repeat the last pixel).
 */
export function expandYuv(src: usize, width: i32, height: i32, pad: i32, dstY: usize, dstU: usize, dstV: usize): void {
  const ys = <usize>(width + 2 * pad) << 2;
  for (let y = 0; y < height; y++) {
    const s = src + <usize>(y * width) * 3;
    const d = dstY + <usize>y * ys;
    for (let x = 0; x < width; x++) {
      const p = s + <usize>x * 3;
      store<f32>(d + (<usize>(pad + x) << 2), 16 + YR * <f32>load<u8>(p) + YG * <f32>load<u8>(p, 1) + YB * <f32>load<u8>(p, 2));
    }
    padRow(d, width, pad);
  }
  const cw = (width + 1) >> 1;
  const chh = (height + 1) >> 1;
  const cs = <usize>(cw + 2 * pad) << 2;
  for (let y = 0; y < chh; y++) {
    const r0 = src + <usize>(2 * y * width) * 3;
    const r1 = src + <usize>(min(2 * y + 1, height - 1) * width) * 3;
    const du = dstU + <usize>y * cs;
    const dv = dstV + <usize>y * cs;
    for (let x = 0; x < cw; x++) {
      const c0 = <usize>(2 * x) * 3;
      const c1 = <usize>min(2 * x + 1, width - 1) * 3;
      const r: f32 = 0.25 * <f32>(<i32>load<u8>(r0 + c0) + <i32>load<u8>(r0 + c1) + <i32>load<u8>(r1 + c0) + <i32>load<u8>(r1 + c1));
      const g: f32 = 0.25 * <f32>(<i32>load<u8>(r0 + c0, 1) + <i32>load<u8>(r0 + c1, 1) + <i32>load<u8>(r1 + c0, 1) + <i32>load<u8>(r1 + c1, 1));
      const b: f32 = 0.25 * <f32>(<i32>load<u8>(r0 + c0, 2) + <i32>load<u8>(r0 + c1, 2) + <i32>load<u8>(r1 + c0, 2) + <i32>load<u8>(r1 + c1, 2));
      store<f32>(du + (<usize>(pad + x) << 2), 128 + UR * r + UG * g + UB * b);
      store<f32>(dv + (<usize>(pad + x) << 2), 128 + VR * r + VG * g + VB * b);
    }
    padRow(du, cw, pad);
    padRow(dv, cw, pad);
  }
}

/** Sums of the four lanes of a, b, c and d, as one vector. */
@inline
function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(i32x4.shuffle(a, b, 0, 1, 4, 5), i32x4.shuffle(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(i32x4.shuffle(c, d, 0, 1, 4, 5), i32x4.shuffle(c, d, 2, 3, 6, 7));
  return f32x4.add(i32x4.shuffle(ab, cd, 0, 2, 4, 6), i32x4.shuffle(ab, cd, 1, 3, 5, 7));
}

/** Dot product of the 4 (or 8) taps at `p` with the weights at `w`, as a vector to be lane-summed. */
@inline
function taps4(p: usize, w: usize, eight: bool): v128 {
  let a = f32x4.mul(v128.load(p), v128.load(w));
  if (eight) a = f32x4.add(a, f32x4.mul(v128.load(p, 16), v128.load(w, 16)));
  return a;
}

/** Horizontal pass of one padded row into buf samples [from, to): per-sample taps. */
function hspan(row: usize, off: usize, wt: usize, t4: i32, buf: usize, from: i32, to: i32): void {
  const eight = t4 == 8;
  const wstride = <usize>t4 << 2;
  let u = from;
  for (; u + 4 <= to; u += 4) {
    const o = off + (<usize>u << 2);
    const w = wt + <usize>u * wstride;
    const a = taps4(row + <usize>load<i32>(o), w, eight);
    const b = taps4(row + <usize>load<i32>(o, 4), w + wstride, eight);
    const c = taps4(row + <usize>load<i32>(o, 8), w + 2 * wstride, eight);
    const d = taps4(row + <usize>load<i32>(o, 12), w + 3 * wstride, eight);
    v128.store(buf + (<usize>u << 2), hsum4(a, b, c, d));
  }
  for (; u < to; u++) {
    const p = row + <usize>load<i32>(off + (<usize>u << 2));
    const w = wt + <usize>u * wstride;
    let s: f32 = 0;
    for (let t = 0; t < t4; t++) s += load<f32>(p + (<usize>t << 2)) * load<f32>(w + (<usize>t << 2));
    store<f32>(buf + (<usize>u << 2), s);
  }
}

/** Horizontal pass for a pure translation: 4 shared weights, consecutive samples from `p`. */
function hshiftSpan(p: usize, sw: usize, buf: usize, from: i32, to: i32): void {
  const w0 = f32x4.splat(load<f32>(sw)), w1 = f32x4.splat(load<f32>(sw, 4)), w2 = f32x4.splat(load<f32>(sw, 8)), w3 = f32x4.splat(load<f32>(sw, 12));
  let u = from;
  for (; u + 4 <= to; u += 4) {
    const q = p + (<usize>u << 2);
    let acc = f32x4.mul(v128.load(q), w0);
    acc = f32x4.add(acc, f32x4.mul(v128.load(q, 4), w1));
    acc = f32x4.add(acc, f32x4.mul(v128.load(q, 8), w2));
    acc = f32x4.add(acc, f32x4.mul(v128.load(q, 12), w3));
    v128.store(buf + (<usize>u << 2), acc);
  }
  for (; u < to; u++) {
    const q = p + (<usize>u << 2);
    store<f32>(buf + (<usize>u << 2), load<f32>(q) * load<f32>(sw) + load<f32>(q, 4) * load<f32>(sw, 4) + load<f32>(q, 8) * load<f32>(sw, 8) + load<f32>(q, 12) * load<f32>(sw, 12));
  }
}

/**
 * Horizontal pass of one padded source row into `out` (nc samples), skipping the hole columns
 * [hc0, hc1) when `skip`. With `shift`, every sample reads 4 consecutive samples from column
 * `first` + u with the shared weights at `sw`; otherwise per-sample taps (`off`, `wt`, `t4`).
 */
@inline
function hrowPlanar(row: usize, out: usize, nc: i32, skip: bool, hc0: i32, hc1: i32, shift: bool, first: i32, sw: usize, off: usize, wt: usize, t4: i32): void {
  if (shift) {
    const p = row + (<usize>first << 2);
    if (skip) {
      hshiftSpan(p, sw, out, 0, hc0);
      hshiftSpan(p, sw, out, hc1, nc);
    } else hshiftSpan(p, sw, out, 0, nc);
  } else if (skip) {
    hspan(row, off, wt, t4, out, 0, hc0);
    hspan(row, off, wt, t4, out, hc1, nc);
  } else hspan(row, off, wt, t4, out, 0, nc);
}

@inline
function bytes4(v: v128): v128 {
  return i32x4.trunc_sat_f32x4_s(f32x4.nearest(v));
}

@inline
function widen(p: usize): v128 {
  return f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
}

// Row pointers and weights of the current output row's first 5 taps (the vertical pass copies
// them into locals; wider kernels loop over the rest).
let b0: usize = 0, b1: usize = 0, b2: usize = 0, b3: usize = 0, b4: usize = 0;
let w0 = f32x4.splat(0), w1 = f32x4.splat(0), w2 = f32x4.splat(0), w3 = f32x4.splat(0), w4 = f32x4.splat(0);
let nTaps = 0;
let rowTable: usize = 0, weightTable: usize = 0, rowBytes: usize = 0, ringBase: usize = 0, ringSize = 1;

/**
 * Sum of the current row's taps for 4 samples at byte offset q, from locals: `n` is a constant
 * after inlining (4 or 5), or 0 for the general loop over nTaps.
 */
@inline
function column4(q: usize, n: i32, p0: usize, p1: usize, p2: usize, p3: usize, p4: usize, v0: v128, v1: v128, v2: v128, v3: v128, v4: v128): v128 {
  let acc = f32x4.mul(v128.load(p0 + q), v0);
  acc = f32x4.add(acc, f32x4.mul(v128.load(p1 + q), v1));
  acc = f32x4.add(acc, f32x4.mul(v128.load(p2 + q), v2));
  acc = f32x4.add(acc, f32x4.mul(v128.load(p3 + q), v3));
  if (n == 5) acc = f32x4.add(acc, f32x4.mul(v128.load(p4 + q), v4));
  if (n == 0) {
    for (let t = 4; t < nTaps; t++) {
      const r = ringBase + <usize>(load<i32>(rowTable + (<usize>t << 2)) % ringSize) * rowBytes + q;
      acc = f32x4.add(acc, f32x4.mul(v128.load(r), f32x4.splat(load<f32>(weightTable + (<usize>t << 2)))));
    }
  }
  return acc;
}

/** Output samples [from, to) of one row: opaque (alphaX 0, ay 1) or blended over what `out` holds. */
@inline
function vspanTaps(out: usize, from: i32, to: i32, alphaX: usize, ay: f32, n: i32): void {
  // The row's pointers and weights as locals, so the loops keep them in registers.
  const p0 = b0, p1 = b1, p2 = b2, p3 = b3, p4 = b4;
  const v0 = w0, v1 = w1, v2 = w2, v3 = w3, v4 = w4;
  const opaque = alphaX == 0 && ay >= 1;
  const ayv = f32x4.splat(ay);
  let o = from;
  if (opaque) {
    for (; o + 16 <= to; o += 16) {
      const q = <usize>o << 2;
      const a = i16x8.narrow_i32x4_s(bytes4(column4(q, n, p0, p1, p2, p3, p4, v0, v1, v2, v3, v4)), bytes4(column4(q + 16, n, p0, p1, p2, p3, p4, v0, v1, v2, v3, v4)));
      const b = i16x8.narrow_i32x4_s(bytes4(column4(q + 32, n, p0, p1, p2, p3, p4, v0, v1, v2, v3, v4)), bytes4(column4(q + 48, n, p0, p1, p2, p3, p4, v0, v1, v2, v3, v4)));
      v128.store(out + <usize>o, i8x16.narrow_i16x8_u(a, b));
    }
  }
  for (; o + 4 <= to; o += 4) {
    const q = <usize>o << 2;
    let acc = column4(q, n, p0, p1, p2, p3, p4, v0, v1, v2, v3, v4);
    const d = out + <usize>o;
    if (!opaque) {
      const a = alphaX == 0 ? ayv : f32x4.mul(v128.load(alphaX + q), ayv);
      const old = widen(d);
      acc = f32x4.add(old, f32x4.mul(f32x4.sub(acc, old), a));
    }
    const h = i16x8.narrow_i32x4_s(bytes4(acc), bytes4(acc));
    v128.store32_lane(d, i8x16.narrow_i16x8_u(h, h), 0);
  }
  for (; o < to; o++) {
    const q = <usize>o << 2;
    let v = f32x4.extract_lane(column4(q, n, p0, p1, p2, p3, p4, v0, v1, v2, v3, v4), 0);
    const d = out + <usize>o;
    if (!opaque) {
      const a: f32 = alphaX == 0 ? ay : load<f32>(alphaX + q) * ay;
      const old = <f32>load<u8>(d);
      v = old + (v - old) * a;
    }
    const r = nearest<f32>(v);
    store<u8>(d, <u8>(r <= 0 ? 0 : r >= 255 ? 255 : <i32>r));
  }
}

// One copy of the vertical pass per common tap count (4: magnified or shifted, 5: slightly
// minified), the rest loop; the tap count is constant inside each, so its branches fold away.
function vspan4(out: usize, from: i32, to: i32, alphaX: usize, ay: f32): void {
  vspanTaps(out, from, to, alphaX, ay, 4);
}
function vspan5(out: usize, from: i32, to: i32, alphaX: usize, ay: f32): void {
  vspanTaps(out, from, to, alphaX, ay, 5);
}
function vspanAny(out: usize, from: i32, to: i32, alphaX: usize, ay: f32): void {
  vspanTaps(out, from, to, alphaX, ay, 0);
}

@inline
function vspan(out: usize, from: i32, to: i32, alphaX: usize, ay: f32): void {
  if (nTaps == 4) vspan4(out, from, to, alphaX, ay);
  else if (nTaps == 5) vspan5(out, from, to, alphaX, ay);
  else vspanAny(out, from, to, alphaX, ay);
}

/**
 * Draws one layer into one plane: both passes fused, row by row. Output row v combines source
 * rows rows[v·taps + t] (absolute, non-decreasing) with weights[v·taps + t]; each source row's
 * horizontal pass is computed once, when first needed, into a ring of `ringRows` rows of nc
 * samples, so the intermediate stays in cache instead of making a trip through memory.
 *
 * Parameters, as i32 at `p` (byte offsets into memory unless said otherwise):
 *  0 src plane, 1 its row stride in bytes, 2 srcLo (first source row any output row uses),
 *  3 off (per-sample first-tap byte offset in a row), 4 wt (t4 weights a sample), 5 t4,
 *  6 shift (0/1), 7 first (shift's first column), 8 sw (shift's 4 weights),
 *  9 needMiddle (a byte per source row from srcLo: 0 = only outside the hole columns),
 *  10 nc, 11 rows, 12 weights, 13 taps, 14 nr, 15 out (row 0, column 0 of the layer's range),
 *  16 outStride, 17–18 hole rows [hr0, hr1), 19–20 hole columns [hc0, hc1), 21–22 columns opaque
 *  along x [solid0, solid1), 23 alphaX (f32 a column, or 0), 24 alphaY (f32 a row, or 0),
 *  25 ring, 26 ringRows (≥ taps).
 */
export function drawPlane(p: usize): void {
  const src = <usize>load<i32>(p), stride = load<i32>(p, 4), srcLo = load<i32>(p, 8);
  const off = <usize>load<i32>(p, 12), wt = <usize>load<i32>(p, 16), t4 = load<i32>(p, 20);
  const shift = load<i32>(p, 24) != 0, first = load<i32>(p, 28), sw = <usize>load<i32>(p, 32), needMiddle = <usize>load<i32>(p, 36);
  const nc = load<i32>(p, 40), rows = <usize>load<i32>(p, 44), weights = <usize>load<i32>(p, 48), taps = load<i32>(p, 52), nr = load<i32>(p, 56);
  const out = <usize>load<i32>(p, 60), outStride = load<i32>(p, 64);
  const hr0 = load<i32>(p, 68), hr1 = load<i32>(p, 72), hc0 = load<i32>(p, 76), hc1 = load<i32>(p, 80);
  const solid0 = load<i32>(p, 84), solid1 = load<i32>(p, 88), alphaX = <usize>load<i32>(p, 92), alphaY = <usize>load<i32>(p, 96);
  const ring = <usize>load<i32>(p, 100), ringRows = load<i32>(p, 104);

  nTaps = taps;
  rowBytes = <usize>nc << 2;
  const holed = hc1 > hc0;
  let done = srcLo - 1;
  for (let v = 0; v < nr; v++) {
    rowTable = rows + (<usize>(v * taps) << 2);
    weightTable = weights + (<usize>(v * taps) << 2);
    // Horizontal pass of the source rows this output row is the first to need.
    const last = load<i32>(rowTable + (<usize>(taps - 1) << 2));
    for (; done < last; ) {
      done++;
      const skip = holed && load<u8>(needMiddle + <usize>(done - srcLo)) == 0;
      hrowPlanar(src + <usize>(done * stride), ring + <usize>(done % ringRows) * rowBytes, nc, skip, hc0, hc1, shift, first, sw, off, wt, t4);
    }
    const n = taps < 5 ? taps : 5;
    b0 = ringRow(ring, ringRows, 0); w0 = f32x4.splat(load<f32>(weightTable));
    b1 = n > 1 ? ringRow(ring, ringRows, 1) : b0; w1 = f32x4.splat(n > 1 ? load<f32>(weightTable, 4) : 0);
    b2 = n > 2 ? ringRow(ring, ringRows, 2) : b0; w2 = f32x4.splat(n > 2 ? load<f32>(weightTable, 8) : 0);
    b3 = n > 3 ? ringRow(ring, ringRows, 3) : b0; w3 = f32x4.splat(n > 3 ? load<f32>(weightTable, 12) : 0);
    b4 = n > 4 ? ringRow(ring, ringRows, 4) : b0; w4 = f32x4.splat(n > 4 ? load<f32>(weightTable, 16) : 0);
    ringBase = ring;
    ringSize = ringRows;
    const ay: f32 = alphaY == 0 ? 1 : load<f32>(alphaY + (<usize>v << 2));
    if (ay <= 0) continue;
    const o = out + <usize>(v * outStride);
    const inHole = holed && v >= hr0 && v < hr1;
    span(o, 0, inHole ? hc0 : nc, solid0, solid1, alphaX, ay);
    if (inHole) span(o, hc1, nc, solid0, solid1, alphaX, ay);
  }
}

/** Ring row holding tap t's source row of the current output row. */
@inline
function ringRow(ring: usize, ringRows: i32, t: i32): usize {
  return ring + <usize>(load<i32>(rowTable + (<usize>t << 2)) % ringRows) * rowBytes;
}

/** Columns [a, b) of one row, split so the opaque middle takes the fast path. */
@inline
function span(out: usize, a: i32, b: i32, solid0: i32, solid1: i32, alphaX: usize, ay: f32): void {
  const m0 = min(max(a, solid0), b);
  const m1 = max(min(b, solid1), m0);
  if (m0 > a) vspan(out, a, m0, alphaX, ay);
  if (m1 > m0) vspan(out, m0, m1, 0, ay);
  if (b > m1) vspan(out, m1, b, alphaX, ay);
}
