import type { Viewport } from '../walk/geometry.js';
import type { Layer } from './layer.js';
import { selectLayers, type PlacedLayer } from './select.js';
import { JsKernel } from './js-kernel.js';
import type { RowKernel } from './row-kernel.js';
import { DrawScratch, holeAbove, opaqueRect, planLayerDraw, type LayerDraw, type PlaneSize } from './layer-draw.js';
import { WasmPlanarKernel } from './wasm-planar-kernel.js';
import type { ResampleFilter } from './taps.js';
import { wasmAvailable, WasmKernel } from './wasm-kernel.js';
import { rgbToYuv420 } from './yuv.js';

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

/** The unclamped middle of a pure translation: output columns whose 4 taps lie inside the row. */
function shiftRange(d: LayerDraw): { lo: number; hi: number } {
  if (!d.shift) return { lo: 0, hi: 0 };
  const first = d.shift.first;
  const lo = Math.max(0, -first);
  const hi = Math.min(d.cols.hi - d.cols.lo, d.srcWidth - 4 - first + 1);
  return hi > lo ? { lo, hi } : { lo: 0, hi: 0 };
}

/**
 * Renders frames of the layered world. Scratch buffers live here, so a long video
 * allocates nothing per frame but the frame itself.
 */
export class Compositor {
  private rgbKernel: RowKernel | null = null;
  private released: WeakRef<RowKernel> | null = null;
  private readonly useWasm: boolean;
  private readonly planar: WasmPlanarKernel | null;
  private rgbScratch: Uint8Array | undefined;
  private readonly scratch = new DrawScratch();
  constructor(private readonly opts: ComposeOptions) {
    this.useWasm = opts.kernel !== 'js' && wasmAvailable();
    if (opts.kernel === 'wasm' && !this.useWasm) throw new Error('the WebAssembly SIMD resampler is not available; run npm run build:wasm');
    this.planar = this.useWasm && opts.width % 2 === 0 && opts.height % 2 === 0 ? new WasmPlanarKernel(opts.width, opts.height) : null;
  }

  /** Which resampling kernel runs: `wasm-simd` or `js`. */
  get kernelName(): string {
    return this.useWasm ? 'wasm-simd' : 'js';
  }

  /** The RGB kernel, made on first use; after releaseRgb() the released one if it was not collected yet. */
  private get kernel(): RowKernel {
    this.rgbKernel ??= this.released?.deref() ?? (this.useWasm ? new WasmKernel(this.opts.width, this.opts.height) : new JsKernel(this.opts.width));
    this.released = null;
    return this.rgbKernel;
  }

  /**
   * Lets the garbage collector take the RGB kernel's memory until the next render(): the WebAssembly
   * kernel widens each layer it draws to 16 bytes a pixel (≈ 85 MB at 1080×1920), which a walk needs
   * only for the two RGB renders of each keyframe, not while the engine fills it. Until it is
   * collected the next render() takes it back, so there is never more than one. Same bytes either way.
   */
  releaseRgb(): void {
    if (this.rgbKernel) this.released = new WeakRef(this.rgbKernel);
    this.rgbKernel = null;
  }

  /** Draws the camera's view of `layers` into `frame` (width×height×3 RGB). */
  render(layers: readonly Layer[], camera: Viewport, frame: Uint8Array): void {
    const { width, height, overlap, filter } = this.opts;
    const plane: PlaneSize = { width, height, sub: 1 };
    const placed = selectLayers(layers, camera, width, height, overlap);
    // The bottom layer must cover the whole frame (or black shows), so start from black.
    this.kernel.beginFrame(frame, placed.length === 0 || !this.coversView(placed[0]!, camera));
    const opaque = placed.map((p) => opaqueRect(p, camera, overlap, plane));
    placed.forEach((p, i) => {
      // Pixels a higher layer paints fully opaque need not be drawn here.
      const d = planLayerDraw(p, camera, overlap, filter, plane, i === 0, holeAbove(opaque, i), this.scratch);
      if (d) this.drawRows(d);
    });
    this.kernel.endFrame(frame);
  }

  /**
   * Draws the camera's view into `frame` as yuv420p (Y, then U and V at half size): natively on
   * the WebAssembly kernel, else rendered as RGB and converted.
   */
  renderYuv(layers: readonly Layer[], camera: Viewport, frame: Uint8Array): void {
    const { width, height, overlap, filter } = this.opts;
    if (!this.planar) {
      this.rgbScratch ??= new Uint8Array(width * height * 3);
      this.render(layers, camera, this.rgbScratch);
      rgbToYuv420(this.rgbScratch, width, height, frame);
      return;
    }
    const k = this.planar;
    const placed = selectLayers(layers, camera, width, height, overlap);
    k.beginFrame(placed.length === 0 || !this.coversView(placed[0]!, camera));
    const [luma, chroma] = k.planes();
    for (const plane of [luma!, chroma!]) {
      const opaque = placed.map((p) => opaqueRect(p, camera, overlap, plane));
      placed.forEach((p, i) => {
        const d = planLayerDraw(p, camera, overlap, filter, plane, i === 0, holeAbove(opaque, i), this.scratch);
        if (!d) return;
        // U and V share one geometry, so one set of tables.
        k.drawLayer(d, plane.sub === 1 ? [0] : [1, 2], plane);
      });
    }
    k.endFrame(frame);
  }

  private coversView(p: PlacedLayer, camera: Viewport): boolean {
    const { width, height } = this.opts;
    const r = p.rect;
    return r.x0 <= camera.x + 1e-9 && r.y0 <= camera.y + 1e-9 && r.x1 >= camera.x + width * camera.scale - 1e-9 && r.y1 >= camera.y + height * camera.scale - 1e-9;
  }

  /** The per-row path (RGB): horizontal pass over the needed source rows, then vertical rows. */
  private drawRows(d: LayerDraw): void {
    const { tx, ty, alphaX, hole, srcLo, nSrc, needMiddle, solid } = d;
    const nc = d.cols.hi - d.cols.lo;
    const nr = d.rows.hi - d.rows.lo;
    const k = this.kernel;
    k.beginLayer(d.image, tx, nSrc, nc, alphaX);
    const shift = shiftRange(d);
    const hpass = (row: number, kk: number, a: number, b: number): void => {
      // Pans: the unclamped middle takes the shared-weight path, the edges the general one.
      const m0 = Math.min(Math.max(a, shift.lo), b);
      const m1 = Math.max(Math.min(b, shift.hi), m0);
      if (m0 > a) k.hrow(row, kk, a, m0);
      if (m1 > m0) k.hshift(row, kk, d.shift!.first, d.shift!.weights, m0, m1);
      if (b > m1) k.hrow(row, kk, m1, b);
    };
    for (let kk = 0; kk < nSrc; kk++) {
      if (hole && !needMiddle[kk]) {
        hpass(srcLo + kk, kk, 0, hole.cols.lo);
        hpass(srcLo + kk, kk, hole.cols.hi, nc);
      } else {
        hpass(srcLo + kk, kk, 0, nc);
      }
    }

    const TY = ty.taps;
    const rowsAt = new Int32Array(TY);
    const weightsAt = new Float32Array(TY);
    for (let v = 0; v < nr; v++) {
      for (let t = 0; t < TY; t++) {
        rowsAt[t] = ty.offset[v * TY + t]! - srcLo;
        weightsAt[t] = ty.weight[v * TY + t]!;
      }
      const av = d.alphaY ? d.alphaY[v]! : 1;
      const spans = hole && v >= hole.rows.lo && v < hole.rows.hi ? [0, hole.cols.lo, hole.cols.hi, nc] : [0, nc];
      for (let sIdx = 0; sIdx < spans.length; sIdx += 2) {
        const a = spans[sIdx]!;
        const b = spans[sIdx + 1]!;
        // Split off the feathered columns so the opaque middle takes the fast path.
        const m0 = Math.min(Math.max(a, solid.lo), b);
        const m1 = Math.max(Math.min(b, solid.hi), m0);
        if (m0 > a) k.vrow(d.rows.lo + v, d.cols.lo, rowsAt, weightsAt, TY, a, m0, alphaX !== null, av);
        if (m1 > m0) k.vrow(d.rows.lo + v, d.cols.lo, rowsAt, weightsAt, TY, m0, m1, false, av);
        if (b > m1) k.vrow(d.rows.lo + v, d.cols.lo, rowsAt, weightsAt, TY, m1, b, alphaX !== null, av);
      }
    }
  }
}
