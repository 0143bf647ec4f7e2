import type { RawImage } from '../image/raw.js';
import type { Viewport } from '../walk/geometry.js';
import { levelFor } from './layer.js';
import type { PlacedLayer } from './select.js';
import { buildTaps, TapScratch, type AxisTaps, type ResampleFilter } from './taps.js';

/** The size of an output plane: the frame itself (sub 1), or a chroma plane at half size (sub 2). */
export interface PlaneSize {
  readonly width: number;
  readonly height: number;
  readonly sub: 1 | 2;
}

/** Output pixels [lo, hi) along one axis. */
export interface PixelRange {
  lo: number;
  hi: number;
}

/** Output pixels a layer paints fully opaque (nothing below needs drawing there). */
export interface OpaqueRect {
  readonly cols: PixelRange;
  readonly rows: PixelRange;
}

/** Everything a kernel needs to draw one layer into one plane; indices are relative to cols/rows. */
export interface LayerDraw {
  /** The pyramid level sampled (RGB); plane kernels derive its Y/U/V planes. */
  readonly image: RawImage;
  /** Size of the sampled plane of that level (the level itself for sub 1). */
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly cols: PixelRange;
  readonly rows: PixelRange;
  readonly tx: AxisTaps;
  readonly ty: AxisTaps;
  /** Per-column / per-row opacity, null where that axis is opaque. */
  readonly alphaX: Float32Array | null;
  readonly alphaY: Float32Array | null;
  /** Columns where alphaX is 1 (the opaque middle). */
  readonly solid: PixelRange;
  /** Rows × columns a higher layer covers opaquely, or null. */
  readonly hole: { readonly cols: PixelRange; readonly rows: PixelRange } | null;
  /** Source rows the horizontal pass covers, and which of them are needed outside the hole only. */
  readonly srcLo: number;
  readonly nSrc: number;
  readonly needMiddle: Uint8Array;
  /** For a pure translation with 4 taps: first source column of output 0 and the shared weights. */
  readonly shift: { readonly first: number; readonly weights: Float32Array } | null;
}

/** Reusable tables for planLayerDraw; a plan is valid until the next plan made with the same scratch. */
export class DrawScratch {
  readonly x = new TapScratch();
  readonly y = new TapScratch();
  private floats: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
  private bytes = new Uint8Array(0);

  /** Float table `which` (0 or 1) of length n, contents undefined. */
  floatsOf(which: 0 | 1, n: number): Float32Array {
    if (this.floats[which]!.length < n) this.floats[which] = new Float32Array(Math.max(n, 2 * this.floats[which]!.length));
    return this.floats[which]!.subarray(0, n);
  }

  /** A zeroed byte table of length n. */
  zeroBytes(n: number): Uint8Array {
    if (this.bytes.length < n) this.bytes = new Uint8Array(Math.max(n, 2 * this.bytes.length));
    return this.bytes.subarray(0, n).fill(0);
  }
}

function smooth(x: number): number {
  const t = x <= 0 ? 0 : x >= 1 ? 1 : x;
  return t * t * (3 - 2 * t);
}

/** Output pixels whose centres fall inside [a, b). */
export function centresInside(a: number, b: number, size: number): PixelRange {
  return { lo: Math.max(0, Math.ceil(a - 0.5)), hi: Math.min(size, Math.ceil(b - 0.5)) };
}

/** Per-pixel opacity along one axis: 1 inside, a smooth ramp over `band` px at feathered edges. */
function ramp(out: Float32Array, range: PixelRange, a: number, b: number, band: number, fadeLo: boolean, fadeHi: boolean): Float32Array {
  for (let i = range.lo; i < range.hi; i++) {
    const c = i + 0.5;
    let v = 1;
    if (fadeLo && band > 0) v = Math.min(v, smooth((c - a) / band));
    if (fadeHi && band > 0) v = Math.min(v, smooth((b - c) / band));
    out[i - range.lo] = v;
  }
  return out;
}

/** The layer's rectangle and feather band in the plane's pixels. */
export function onScreen(p: PlacedLayer, camera: Viewport, overlap: number, plane: PlaneSize): { x0: number; x1: number; y0: number; y1: number; band: number } {
  const s = camera.scale * plane.sub;
  return {
    x0: (p.rect.x0 - camera.x) / s,
    x1: (p.rect.x1 - camera.x) / s,
    y0: (p.rect.y0 - camera.y) / s,
    y1: (p.rect.y1 - camera.y) / s,
    band: (overlap * p.layer.viewport.scale) / s,
  };
}

/** Where the layer paints fully opaque, one pixel clear of its edges (edge taps clamp). */
export function opaqueRect(p: PlacedLayer, camera: Viewport, overlap: number, plane: PlaneSize): OpaqueRect {
  const r = onScreen(p, camera, overlap, plane);
  const x0 = r.x0 + (p.feather.left ? r.band : 0) + 1;
  const x1 = r.x1 - (p.feather.right ? r.band : 0) - 1;
  const y0 = r.y0 + (p.feather.top ? r.band : 0) + 1;
  const y1 = r.y1 - (p.feather.bottom ? r.band : 0) - 1;
  const cols = centresInside(x0, x1, plane.width);
  const rows = centresInside(y0, y1, plane.height);
  return cols.hi > cols.lo && rows.hi > rows.lo ? { cols, rows } : { cols: { lo: 0, hi: 0 }, rows: { lo: 0, hi: 0 } };
}

/** The largest opaque rectangle among the layers drawn above layer i. */
export function holeAbove(opaque: readonly OpaqueRect[], i: number): OpaqueRect | null {
  let hole: OpaqueRect | null = null;
  let best = 0;
  for (let j = i + 1; j < opaque.length; j++) {
    const o = opaque[j]!;
    const area = (o.cols.hi - o.cols.lo) * (o.rows.hi - o.rows.lo);
    if (area > best) {
      best = area;
      hole = o;
    }
  }
  return hole;
}

/** Plans the draw of one placed layer into one plane, or null when it shows no pixel there. */
export function planLayerDraw(p: PlacedLayer, camera: Viewport, overlap: number, filter: ResampleFilter, plane: PlaneSize, bottom: boolean, above: OpaqueRect | null, scratch: DrawScratch): LayerDraw | null {
  const r = onScreen(p, camera, overlap, plane);
  const cols = centresInside(r.x0, r.x1, plane.width);
  const rows = centresInside(r.y0, r.y1, plane.height);
  if (cols.hi <= cols.lo || rows.hi <= rows.lo) return null;
  const { image } = levelFor(p.layer, p.layer.viewport.scale / camera.scale);
  // Chroma of an odd-sized level has one more sample than half: sample c sits at level x = 2c.
  const srcWidth = Math.ceil(image.width / plane.sub);
  const srcHeight = Math.ceil(image.height / plane.sub);
  // Output pixel i of this range maps to source coordinate srcStart + (i + 0.5)·step − 0.5.
  const stepX = (camera.scale * image.width) / (p.rect.x1 - p.rect.x0);
  const stepY = (camera.scale * image.height) / (p.rect.y1 - p.rect.y0);
  const nc = cols.hi - cols.lo;
  const nr = rows.hi - rows.lo;
  const srcStartX = (cols.lo - r.x0) * stepX;
  const tx = buildTaps(nc, srcStartX, stepX, srcWidth, filter, 3, scratch.x);
  const ty = buildTaps(nr, (rows.lo - r.y0) * stepY, stepY, srcHeight, filter, 1, scratch.y);
  const alphaX = !bottom && (p.feather.left || p.feather.right) ? ramp(scratch.floatsOf(0, nc), cols, r.x0, r.x1, r.band, p.feather.left, p.feather.right) : null;
  const alphaY = !bottom && (p.feather.top || p.feather.bottom) ? ramp(scratch.floatsOf(1, nr), rows, r.y0, r.y1, r.band, p.feather.top, p.feather.bottom) : null;

  const hc = above && above.cols.hi > above.cols.lo ? { lo: Math.max(above.cols.lo, cols.lo) - cols.lo, hi: Math.min(above.cols.hi, cols.hi) - cols.lo } : null;
  const hr = above && above.rows.hi > above.rows.lo ? { lo: Math.max(above.rows.lo, rows.lo) - rows.lo, hi: Math.min(above.rows.hi, rows.hi) - rows.lo } : null;
  const hole = hc !== null && hr !== null && hc.hi > hc.lo && hr.hi > hr.lo ? { cols: hc, rows: hr } : null;

  // Source rows needed, and whether a row's middle columns are needed (only by rows outside the hole).
  const srcLo = ty.first[0]!;
  const nSrc = ty.last[nr - 1]! - srcLo + 1;
  const needMiddle = scratch.zeroBytes(nSrc);
  for (let v = 0; v < nr; v++) {
    if (hole && v >= hole.rows.lo && v < hole.rows.hi) continue;
    for (let k = ty.first[v]!; k <= ty.last[v]!; k++) needMiddle[k - srcLo] = 1;
  }

  const solid = { lo: 0, hi: nc };
  if (alphaX) {
    while (solid.lo < nc && alphaX[solid.lo]! < 1) solid.lo++;
    solid.hi = Math.max(solid.lo, nc);
    while (solid.hi > solid.lo && alphaX[solid.hi - 1]! < 1) solid.hi--;
  }
  const shift = tx.taps === 4 && Math.abs(stepX - 1) <= 1e-9 ? { first: tx.start[0]!, weights: tx.weight.subarray(0, 4) } : null;
  return { image, srcWidth, srcHeight, cols, rows, tx, ty, alphaX, alphaY, solid, hole, srcLo, nSrc, needMiddle, shift };
}
