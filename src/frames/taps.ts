/** Resampling filter: `linear` (triangle) or `cubic` (Catmull-Rom, interpolating, sharper). */
export type ResampleFilter = 'linear' | 'cubic';

const SUPPORT: Record<ResampleFilter, number> = { linear: 1, cubic: 2 };

function linear(a: number): number {
  return a < 1 ? 1 - a : 0;
}

/** Catmull-Rom (Keys a = -0.5): passes through the samples, so an unmoved layer is copied exactly. */
function cubic(a: number): number {
  if (a < 1) return (1.5 * a - 2.5) * a * a + 1;
  if (a < 2) return ((-0.5 * a + 2.5) * a - 4) * a + 2;
  return 0;
}

/** Per-output-pixel taps on one axis: `taps` source offsets (pre-multiplied by `stride`) and weights each. */
export interface AxisTaps {
  readonly count: number;
  readonly taps: number;
  readonly offset: Int32Array;
  readonly weight: Float32Array;
  /** First and last source index any tap touches (for bounding the horizontal pass). */
  readonly first: Int32Array;
  readonly last: Int32Array;
  /** Unclamped source index of each output pixel's first tap (may be < 0 or run past the edge). */
  readonly start: Int32Array;
}

type TapArrays = Pick<AxisTaps, 'offset' | 'weight' | 'first' | 'last' | 'start'>;

function fresh(count: number, taps: number): TapArrays {
  return { offset: new Int32Array(count * taps), weight: new Float32Array(count * taps), first: new Int32Array(count), last: new Int32Array(count), start: new Int32Array(count) };
}

/**
 * Reusable storage for one axis's taps: typed-array allocation costs as much as filling
 * them, and the compositor builds several tables a frame. A table built into a scratch is
 * valid until the next build into the same scratch.
 */
export class TapScratch {
  private arrays: TapArrays = fresh(0, 0);
  private capacity = { count: 0, cells: 0 };

  take(count: number, taps: number): TapArrays {
    if (count > this.capacity.count || count * taps > this.capacity.cells) {
      this.capacity = { count: Math.max(count, this.capacity.count), cells: Math.max(count * taps, this.capacity.cells) };
      const { count: n, cells } = this.capacity;
      this.arrays = { offset: new Int32Array(cells), weight: new Float32Array(cells), first: new Int32Array(n), last: new Int32Array(n), start: new Int32Array(n) };
    }
    const a = this.arrays;
    return {
      offset: a.offset.subarray(0, count * taps),
      weight: a.weight.subarray(0, count * taps),
      first: a.first.subarray(0, count),
      last: a.last.subarray(0, count),
      start: a.start.subarray(0, count),
    };
  }
}

/**
 * Taps for `count` output pixels whose centres map to source coordinate
 * `srcStart + (i + 0.5) * step - 0.5`. When step > 1 (downscale) the kernel is
 * widened by `step`, an area-style filter, so detail shown below its size does not alias.
 */
export function buildTaps(count: number, srcStart: number, step: number, srcSize: number, filter: ResampleFilter, stride: number, into?: TapScratch): AxisTaps {
  const widen = Math.max(1, step);
  const support = SUPPORT[filter] * widen;
  // Integers strictly inside (c − support, c + support): at most ceil(2·support) of them.
  const taps = Math.max(1, Math.ceil(support * 2 - 1e-9));
  const { offset, weight, first, last, start } = into ? into.take(count, taps) : fresh(count, taps);
  const maxIndex = srcSize - 1;
  const kernel = filter === 'linear' ? linear : cubic;
  const inverse = 1 / widen;
  const closedForm = filter === 'cubic' && widen === 1;
  for (let i = 0; i < count; i++) {
    if (closedForm) {
      // Catmull-Rom at full size or above, every frame's commonest case: the four weights of
      // fraction f in closed form (they sum to 1; f = 0 gives 0, 1, 0, 0: an exact copy).
      const centre = srcStart + (i + 0.5) * step - 0.5;
      const base = Math.floor(centre);
      const f = centre - base;
      const lo = base - 1;
      start[i] = lo;
      const o = i * 4;
      weight[o] = ((-0.5 * f + 1) * f - 0.5) * f;
      weight[o + 1] = (1.5 * f - 2.5) * f * f + 1;
      weight[o + 2] = ((-1.5 * f + 2) * f + 0.5) * f;
      weight[o + 3] = (0.5 * f - 0.5) * f * f;
      let mn = maxIndex;
      let mx = 0;
      for (let t = 0; t < 4; t++) {
        const s = lo + t;
        const idx = s < 0 ? 0 : s > maxIndex ? maxIndex : s;
        offset[o + t] = idx * stride;
        if (weight[o + t] !== 0) {
          if (idx < mn) mn = idx;
          if (idx > mx) mx = idx;
        }
      }
      first[i] = Math.min(mn, mx);
      last[i] = mx;
      continue;
    }
    const centre = srcStart + (i + 0.5) * step - 0.5;
    const lo = Math.floor(centre - support) + 1;
    start[i] = lo;
    let sum = 0;
    let mn = maxIndex;
    let mx = 0;
    for (let t = 0; t < taps; t++) {
      const s = lo + t;
      const w = kernel(Math.abs((s - centre) * inverse));
      const idx = s < 0 ? 0 : s > maxIndex ? maxIndex : s;
      offset[i * taps + t] = idx * stride;
      weight[i * taps + t] = w;
      sum += w;
      if (w !== 0) {
        if (idx < mn) mn = idx;
        if (idx > mx) mx = idx;
      }
    }
    const inv = sum !== 0 ? 1 / sum : 0;
    for (let k = i * taps; k < (i + 1) * taps; k++) weight[k] = (weight[k] ?? 0) * inv;
    first[i] = Math.min(mn, mx);
    last[i] = mx;
  }
  return { count, taps, offset, weight, first, last, start };
}
