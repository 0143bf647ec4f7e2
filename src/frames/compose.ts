import type { Viewport } from '../walk/geometry.js';
import { levelFor, type Layer } from './layer.js';
import { selectLayers, type PlacedLayer } from './select.js';
import { JsKernel, type RowKernel } from './kernel.js';
import { buildTaps, type AxisTaps, type ResampleFilter } from './taps.js';
import { wasmAvailable, WasmKernel } from './wasm-kernel.js';

/** Options shared by every frame of a render. */
export interface ComposeOptions {
  readonly width: number;
  readonly height: number;
  /** Feather band in keyframe pixels (`overlap_width`). */
  readonly overlap: number;
  readonly filter: ResampleFilter;
  /** Resampling kernel: WebAssembly SIMD when built (default `auto`), or plain JS. */
  readonly kernel?: 'auto' | 'wasm' | 'js';
}

interface PixelRange {
  lo: number;
  hi: number;
}

function smooth(x: number): number {
  const t = x <= 0 ? 0 : x >= 1 ? 1 : x;
  return t * t * (3 - 2 * t);
}

/** Output pixels whose centres fall inside [a, b). */
function centresInside(a: number, b: number, size: number): PixelRange {
  return { lo: Math.max(0, Math.ceil(a - 0.5)), hi: Math.min(size, Math.ceil(b - 0.5)) };
}

/** Per-pixel opacity along one axis: 1 inside, a smooth ramp over `band` screen px at feathered edges. */
function ramp(range: PixelRange, a: number, b: number, band: number, fadeLo: boolean, fadeHi: boolean): Float32Array {
  const out = new Float32Array(range.hi - range.lo);
  for (let i = range.lo; i < range.hi; i++) {
    const c = i + 0.5;
    let v = 1;
    if (fadeLo && band > 0) v = Math.min(v, smooth((c - a) / band));
    if (fadeHi && band > 0) v = Math.min(v, smooth((b - c) / band));
    out[i - range.lo] = v;
  }
  return out;
}

/**
 * For a pure translation with 4 taps, the output range whose taps need no edge clamping,
 * with the shared weights and the source index of output pixel 0's first tap.
 */
function shiftRange(tx: AxisTaps, srcStart: number, step: number, srcWidth: number): { lo: number; hi: number; first: number; weights: Float32Array } {
  const none = { lo: 0, hi: 0, first: 0, weights: new Float32Array(4) };
  if (tx.taps !== 4 || Math.abs(step - 1) > 1e-9) return none;
  // Output pixel u is centred on source srcStart + u; its 4 taps start one pixel left of floor().
  const first = Math.floor(srcStart) - 1;
  const lo = Math.max(0, -first);
  const hi = Math.min(tx.count, srcWidth - 4 - first + 1);
  return hi > lo ? { lo, hi, first, weights: tx.weight.slice(lo * 4, lo * 4 + 4) } : none;
}

/**
 * Renders frames of the layered world. Scratch buffers live here, so a long video
 * allocates nothing per frame but the frame itself.
 */
export class Compositor {
  private readonly kernel: RowKernel;
  constructor(private readonly opts: ComposeOptions) {
    const useWasm = opts.kernel !== 'js' && wasmAvailable();
    if (opts.kernel === 'wasm' && !useWasm) throw new Error('the WebAssembly SIMD resampler is not available; run npm run build:wasm');
    this.kernel = useWasm ? new WasmKernel(opts.width, opts.height) : new JsKernel(opts.width);
  }

  /** Which resampling kernel runs: `wasm-simd` or `js`. */
  get kernelName(): string {
    return this.kernel.name;
  }

  /** Draws the camera's view of `layers` into `out` (width×height×3 RGB). */
  render(layers: readonly Layer[], camera: Viewport, frame: Uint8Array): void {
    const { width, height, overlap } = this.opts;
    const placed = selectLayers(layers, camera, width, height, overlap);
    // The bottom layer must cover the whole frame (or black shows), so start from black.
    this.kernel.beginFrame(frame, placed.length === 0 || !this.coversView(placed[0]!, camera));
    const opaque = placed.map((p) => this.opaqueRect(p, camera));
    placed.forEach((p, i) => {
      // Pixels a higher layer paints fully opaque need not be drawn here.
      let hole: { cols: PixelRange; rows: PixelRange } | null = null;
      let best = 0;
      for (let j = i + 1; j < placed.length; j++) {
        const o = opaque[j]!;
        const area = (o.cols.hi - o.cols.lo) * (o.rows.hi - o.rows.lo);
        if (area > best) {
          best = area;
          hole = o;
        }
      }
      this.drawLayer(p, camera, i === 0, hole);
    });
    this.kernel.endFrame(frame);
  }

  private coversView(p: PlacedLayer, camera: Viewport): boolean {
    const { width, height } = this.opts;
    const r = p.rect;
    return r.x0 <= camera.x + 1e-9 && r.y0 <= camera.y + 1e-9 && r.x1 >= camera.x + width * camera.scale - 1e-9 && r.y1 >= camera.y + height * camera.scale - 1e-9;
  }

  private screen(p: PlacedLayer, camera: Viewport): { x0: number; x1: number; y0: number; y1: number; band: number } {
    const s = camera.scale;
    return {
      x0: (p.rect.x0 - camera.x) / s,
      x1: (p.rect.x1 - camera.x) / s,
      y0: (p.rect.y0 - camera.y) / s,
      y1: (p.rect.y1 - camera.y) / s,
      band: (this.opts.overlap * p.layer.viewport.scale) / s,
    };
  }

  private opaqueRect(p: PlacedLayer, camera: Viewport): { cols: PixelRange; rows: PixelRange } {
    const { width, height } = this.opts;
    const r = this.screen(p, camera);
    // One extra pixel inward: resampling near a layer edge clamps, so stay clear of it.
    const x0 = r.x0 + (p.feather.left ? r.band : 0) + 1;
    const x1 = r.x1 - (p.feather.right ? r.band : 0) - 1;
    const y0 = r.y0 + (p.feather.top ? r.band : 0) + 1;
    const y1 = r.y1 - (p.feather.bottom ? r.band : 0) - 1;
    const cols = centresInside(x0, x1, width);
    const rows = centresInside(y0, y1, height);
    return cols.hi > cols.lo && rows.hi > rows.lo ? { cols, rows } : { cols: { lo: 0, hi: 0 }, rows: { lo: 0, hi: 0 } };
  }

  private drawLayer(p: PlacedLayer, camera: Viewport, bottom: boolean, hole: { cols: PixelRange; rows: PixelRange } | null): void {
    const { width, height, filter } = this.opts;
    const r = this.screen(p, camera);
    const cols = centresInside(r.x0, r.x1, width);
    const rows = centresInside(r.y0, r.y1, height);
    if (cols.hi <= cols.lo || rows.hi <= rows.lo) return;
    const display = p.layer.viewport.scale / camera.scale;
    const { image } = levelFor(p.layer, display);
    const iw = image.width;
    // Output pixel i of this range maps to level coordinate srcStart + (i + 0.5)·step − 0.5.
    const stepX = (camera.scale * iw) / (p.rect.x1 - p.rect.x0);
    const stepY = (camera.scale * image.height) / (p.rect.y1 - p.rect.y0);
    const nc = cols.hi - cols.lo;
    const nr = rows.hi - rows.lo;
    const srcStartX = (cols.lo - r.x0) * stepX;
    const tx = buildTaps(nc, srcStartX, stepX, iw, filter, 3);
    const ty = buildTaps(nr, (rows.lo - r.y0) * stepY, stepY, image.height, filter, 1);
    const ax = bottom ? null : ramp(cols, r.x0, r.x1, r.band, p.feather.left, p.feather.right);
    const ay = bottom ? null : ramp(rows, r.y0, r.y1, r.band, p.feather.top, p.feather.bottom);

    const hc = hole && hole.cols.hi > hole.cols.lo ? { lo: Math.max(hole.cols.lo, cols.lo) - cols.lo, hi: Math.min(hole.cols.hi, cols.hi) - cols.lo } : null;
    const hr = hole && hole.rows.hi > hole.rows.lo ? { lo: Math.max(hole.rows.lo, rows.lo) - rows.lo, hi: Math.min(hole.rows.hi, rows.hi) - rows.lo } : null;
    const holed = hc !== null && hr !== null && hc.hi > hc.lo && hr.hi > hr.lo;

    // Source rows needed, and whether a row's middle columns are needed (only by rows outside the hole).
    const srcLo = ty.first[0]!;
    const srcHi = ty.last[nr - 1]!;
    const nSrc = srcHi - srcLo + 1;
    const needMiddle = new Uint8Array(nSrc);
    for (let v = 0; v < nr; v++) {
      if (holed && v >= hr.lo && v < hr.hi) continue;
      for (let k = ty.first[v]!; k <= ty.last[v]!; k++) needMiddle[k - srcLo] = 1;
    }

    const k = this.kernel;
    const alphaX = ax && (p.feather.left || p.feather.right) ? ax : null;
    k.beginLayer(image, tx, nSrc, nc, alphaX);
    const shift = shiftRange(tx, srcStartX, stepX, iw);
    const hpass = (row: number, kk: number, a: number, b: number): void => {
      // Pans: the unclamped middle takes the shared-weight path, the edges the general one.
      const m0 = Math.min(Math.max(a, shift.lo), b);
      const m1 = Math.max(Math.min(b, shift.hi), m0);
      if (m0 > a) k.hrow(row, kk, a, m0);
      if (m1 > m0) k.hshift(row, kk, shift.first, shift.weights, m0, m1);
      if (b > m1) k.hrow(row, kk, m1, b);
    };
    for (let kk = 0; kk < nSrc; kk++) {
      if (holed && !needMiddle[kk]) {
        hpass(srcLo + kk, kk, 0, hc.lo);
        hpass(srcLo + kk, kk, hc.hi, nc);
      } else {
        hpass(srcLo + kk, kk, 0, nc);
      }
    }

    const TY = ty.taps;
    const rowsAt = new Int32Array(TY);
    const weightsAt = new Float32Array(TY);
    // Uniform opacity along x unless a left/right edge fades.
    const solid = { lo: 0, hi: nc };
    if (alphaX) {
      while (solid.lo < nc && alphaX[solid.lo]! < 1) solid.lo++;
      solid.hi = Math.max(solid.lo, nc);
      while (solid.hi > solid.lo && alphaX[solid.hi - 1]! < 1) solid.hi--;
    }
    for (let v = 0; v < nr; v++) {
      for (let t = 0; t < TY; t++) {
        rowsAt[t] = ty.offset[v * TY + t]! - srcLo;
        weightsAt[t] = ty.weight[v * TY + t]!;
      }
      const av = ay ? ay[v]! : 1;
      const spans = holed && v >= hr.lo && v < hr.hi ? [0, hc.lo, hc.hi, nc] : [0, nc];
      for (let sIdx = 0; sIdx < spans.length; sIdx += 2) {
        const a = spans[sIdx]!;
        const b = spans[sIdx + 1]!;
        // Split off the feathered columns so the opaque middle takes the fast path.
        const m0 = Math.min(Math.max(a, solid.lo), b);
        const m1 = Math.max(Math.min(b, solid.hi), m0);
        if (m0 > a) k.vrow(rows.lo + v, cols.lo, rowsAt, weightsAt, TY, a, m0, alphaX !== null, av);
        if (m1 > m0) k.vrow(rows.lo + v, cols.lo, rowsAt, weightsAt, TY, m0, m1, false, av);
        if (b > m1) k.vrow(rows.lo + v, cols.lo, rowsAt, weightsAt, TY, m1, b, alphaX !== null, av);
      }
    }
  }
}
