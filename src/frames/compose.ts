import type { Viewport } from '../walk/geometry.js';
import { levelFor, type Layer } from './layer.js';
import { selectLayers, type PlacedLayer } from './select.js';
import { buildTaps, type ResampleFilter } from './taps.js';

/** Options shared by every frame of a render. */
export interface ComposeOptions {
  readonly width: number;
  readonly height: number;
  /** Feather band in keyframe pixels (`overlap_width`). */
  readonly overlap: number;
  readonly filter: ResampleFilter;
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
 * Renders frames of the layered world. Scratch buffers live here, so a long video
 * allocates nothing per frame but the frame itself.
 */
export class Compositor {
  private scratch = new Float32Array(0);
  constructor(private readonly opts: ComposeOptions) {}

  /** Draws the camera's view of `layers` into `out` (width×height×3 RGB). */
  render(layers: readonly Layer[], camera: Viewport, frame: Uint8Array): void {
    const { width, height, overlap } = this.opts;
    // A clamped view rounds and saturates cubic overshoot instead of wrapping modulo 256.
    const out = new Uint8ClampedArray(frame.buffer, frame.byteOffset, frame.length);
    const placed = selectLayers(layers, camera, width, height, overlap);
    if (placed.length === 0) {
      out.fill(0);
      return;
    }
    // The bottom layer must cover the whole frame (or black shows), so start from black.
    if (!this.coversView(placed[0]!, camera)) out.fill(0);
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
      this.drawLayer(p, camera, out, i === 0, hole);
    });
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

  private drawLayer(p: PlacedLayer, camera: Viewport, out: Uint8ClampedArray, bottom: boolean, hole: { cols: PixelRange; rows: PixelRange } | null): void {
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
    const tx = buildTaps(nc, (cols.lo - r.x0) * stepX, stepX, iw, filter, 3);
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

    const rowLen = nc * 3;
    if (this.scratch.length < nSrc * rowLen) this.scratch = new Float32Array(nSrc * rowLen);
    const buf = this.scratch;
    const src = image.data;
    const T = tx.taps;
    const xo = tx.offset;
    const xw = tx.weight;
    for (let k = 0; k < nSrc; k++) {
      const rowBase = (srcLo + k) * iw * 3;
      const dst = k * rowLen;
      const skipLo = holed && !needMiddle[k] ? hc.lo : nc;
      const skipHi = holed && !needMiddle[k] ? hc.hi : nc;
      for (let u = 0; u < nc; u++) {
        if (u === skipLo) u = skipHi;
        if (u >= nc) break;
        let sr = 0;
        let sg = 0;
        let sb = 0;
        const tb = u * T;
        for (let t = 0; t < T; t++) {
          const o = rowBase + xo[tb + t]!;
          const w = xw[tb + t]!;
          sr += src[o]! * w;
          sg += src[o + 1]! * w;
          sb += src[o + 2]! * w;
        }
        const d = dst + u * 3;
        buf[d] = sr;
        buf[d + 1] = sg;
        buf[d + 2] = sb;
      }
    }

    const TY = ty.taps;
    for (let v = 0; v < nr; v++) {
      const inHoleRow = holed && v >= hr.lo && v < hr.hi;
      const skipLo = inHoleRow ? hc.lo : nc;
      const skipHi = inHoleRow ? hc.hi : nc;
      const yb = v * TY;
      const outRow = ((rows.lo + v) * width + cols.lo) * 3;
      const av = ay ? ay[v]! : 1;
      for (let u = 0; u < nc; u++) {
        if (u === skipLo) u = skipHi;
        if (u >= nc) break;
        let sr = 0;
        let sg = 0;
        let sb = 0;
        for (let t = 0; t < TY; t++) {
          const w = ty.weight[yb + t]!;
          if (w === 0) continue;
          const o = (ty.offset[yb + t]! - srcLo) * rowLen + u * 3;
          sr += buf[o]! * w;
          sg += buf[o + 1]! * w;
          sb += buf[o + 2]! * w;
        }
        const d = outRow + u * 3;
        const a = ax ? ax[u]! * av : 1;
        if (a >= 1) {
          out[d] = sr;
          out[d + 1] = sg;
          out[d + 2] = sb;
        } else if (a > 0) {
          const b = 1 - a;
          out[d] = out[d]! * b + sr * a;
          out[d + 1] = out[d + 1]! * b + sg * a;
          out[d + 2] = out[d + 2]! * b + sb * a;
        }
      }
    }
  }
}
