/**
 * The orientation trick that lets one "extend to the left" routine serve every side: each side is
 * rotated/flipped into a view where its band lies on the left, processed, then written back.
 */
import type { Rect } from '../../walk/geometry.js';
import type { Raster } from './raster.js';

export type Side = 'left' | 'right' | 'top' | 'bottom';

/** Size of the view of a w×h image for a side (top/bottom views are transposed). */
export function viewSize(side: Side, w: number, h: number): { width: number; height: number } {
  return side === 'left' || side === 'right' ? { width: w, height: h } : { width: h, height: w };
}

/**
 * Index of the first original pixel of view row y, and the step (in pixels) to the next one along
 * the row: every side's view row is a straight walk through the original.
 */
function rowWalk(side: Side, w: number, h: number, y: number): [number, number] {
  switch (side) {
    case 'left':
      return [y * w, 1];
    case 'right':
      return [y * w + w - 1, -1];
    case 'top':
      return [y, w];
    case 'bottom':
      return [(h - 1) * w + y, -w];
  }
}

/**
 * Copies `p` into the view where `side`'s band lies on the left; `shared` puts the copy in a
 * SharedArrayBuffer, so posting it to the refinement workers shares it instead of copying it.
 */
export function toView(p: Raster, side: Side, shared = false): Raster {
  const { width: vw, height: vh } = viewSize(side, p.width, p.height);
  const ch = p.ch;
  const out = shared ? new Uint8Array(new SharedArrayBuffer(vw * vh * ch)) : new Uint8Array(vw * vh * ch);
  if (side === 'left') out.set(p.data);
  else walkRows(side, p.width, p.height, vw, vh, ch, out, p.data, true);
  return { width: vw, height: vh, ch, data: out };
}

/** What lets a side's view of a library raster be a raster that already exists (see sharedView). */
export interface ViewHints {
  /** Rasters that are each other's horizontal mirror image: the right view of one is the other. */
  readonly mirrors: ReadonlyMap<Uint8Array, Raster>;
  /** Planes whose bytes are all the same: their own view on every side. */
  readonly uniform: ReadonlySet<Uint8Array>;
}

function isShared(p: Raster): boolean {
  return p.data.buffer instanceof SharedArrayBuffer;
}

/**
 * `side`'s view of `p` in shared memory, copied only when no existing raster holds those bytes: a
 * raster in shared memory is its own left view, its mirror twin its right view, a uniform plane its
 * own view on every side; `made` keeps the views of one side, so a plane two entries share, or a
 * mask whose view equals one made already, is held once.
 */
export function sharedView(p: Raster, side: Side, hints: ViewHints, made: Map<Uint8Array, Raster>): Raster {
  const have = made.get(p.data);
  if (have) return have;
  const twin = side === 'right' ? hints.mirrors.get(p.data) : undefined;
  let v: Raster;
  if (hints.uniform.has(p.data) && isShared(p)) v = { ...viewSize(side, p.width, p.height), ch: p.ch, data: p.data };
  else if (side === 'left' && isShared(p)) v = p;
  else if (twin && isShared(twin)) v = twin;
  else {
    v = toView(p, side, true);
    // A mask's view is often another entry's too (the photo's known pixels and their mirror image
    // on a centred ring): one copy serves both.
    for (const o of made.values()) {
      if (p.ch === 1 && o.ch === 1 && o.width === v.width && o.height === v.height && Buffer.compare(o.data, v.data) === 0) {
        v = o;
        break;
      }
    }
  }
  made.set(p.data, v);
  return v;
}

/** Writes view `v` back into `p` (inverse of toView); only the view's first `cols` columns when given. */
export function fromView(v: Raster, side: Side, p: Raster, cols = v.width): void {
  if (side === 'left' && cols === v.width) {
    p.data.set(v.data);
    return;
  }
  walkRows(side, p.width, p.height, v.width, v.height, p.ch, v.data, p.data, false, Math.min(cols, v.width));
}

/**
 * Copies between a view (`view`) and its original (`orig`), row by row (the first `cols` columns of
 * each view row); `toV` says which way. One and three channels have unrolled loops (this copy ran
 * for every library entry on every side).
 */
function walkRows(side: Side, w: number, h: number, vw: number, vh: number, ch: number, view: Uint8Array, orig: Uint8Array, toV: boolean, cols = vw): void {
  if (side === 'top' || side === 'bottom') {
    walkTiles(side, w, h, vw, vh, ch, view, orig, toV, cols);
    return;
  }
  for (let y = 0; y < vh; y++) {
    const [s0, step] = rowWalk(side, w, h, y);
    let o = y * vw * ch;
    if (ch === 3) {
      for (let x = 0, s = s0 * 3; x < cols; x++, o += 3, s += step * 3) {
        if (toV) { view[o] = orig[s]!; view[o + 1] = orig[s + 1]!; view[o + 2] = orig[s + 2]!; }
        else { orig[s] = view[o]!; orig[s + 1] = view[o + 1]!; orig[s + 2] = view[o + 2]!; }
      }
    } else if (ch === 1) {
      for (let x = 0, s = s0; x < cols; x++, o++, s += step) {
        if (toV) view[o] = orig[s]!;
        else orig[s] = view[o]!;
      }
    } else {
      for (let x = 0, s = s0 * ch; x < cols; x++, o += ch, s += step * ch) {
        for (let c = 0; c < ch; c++) {
          if (toV) view[o + c] = orig[s + c]!;
          else orig[s + c] = view[o + c]!;
        }
      }
    }
  }
}

/** View rows handled together by walkTiles. */
const TILE = 16;

/**
 * walkRows for the transposed sides: a view row of a top/bottom view is a column of the original,
 * so walking it row by row touched a new cache line per pixel. Here TILE view rows are copied
 * together, reading TILE neighbouring original pixels at a time (view row y + t starts one pixel
 * after view row y in the original).
 */
function walkTiles(side: Side, w: number, h: number, vw: number, vh: number, ch: number, view: Uint8Array, orig: Uint8Array, toV: boolean, cols: number): void {
  const rowStride = vw * ch;
  for (let y0 = 0; y0 < vh; y0 += TILE) {
    const nt = Math.min(TILE, vh - y0);
    const [s0, step] = rowWalk(side, w, h, y0);
    for (let x = 0; x < cols; x++) {
      let s = (s0 + x * step) * ch;
      let o = (y0 * vw + x) * ch;
      if (ch === 3 && toV) {
        for (let t = 0; t < nt; t++, s += 3, o += rowStride) { view[o] = orig[s]!; view[o + 1] = orig[s + 1]!; view[o + 2] = orig[s + 2]!; }
      } else if (ch === 3) {
        for (let t = 0; t < nt; t++, s += 3, o += rowStride) { orig[s] = view[o]!; orig[s + 1] = view[o + 1]!; orig[s + 2] = view[o + 2]!; }
      } else if (ch === 1 && toV) {
        for (let t = 0; t < nt; t++, s++, o += rowStride) view[o] = orig[s]!;
      } else {
        for (let t = 0; t < nt; t++, s += ch, o += rowStride) {
          for (let c = 0; c < ch; c++) {
            if (toV) view[o + c] = orig[s + c]!;
            else orig[s + c] = view[o + c]!;
          }
        }
      }
    }
  }
}

/** The rectangle of a w×h image that `side`'s view rectangle `r` shows. */
export function rectFromView(side: Side, w: number, h: number, r: Rect): Rect {
  switch (side) {
    case 'left':
      return { ...r };
    case 'right':
      return { x0: w - r.x1, y0: r.y0, x1: w - r.x0, y1: r.y1 };
    case 'top':
      return { x0: r.y0, y0: r.x0, x1: r.y1, y1: r.x1 };
    case 'bottom':
      return { x0: r.y0, y0: h - r.x1, x1: r.y1, y1: h - r.x0 };
  }
}

/** Inverse of rectFromView: where rectangle `r` of a w×h image lies in `side`'s view. */
export function rectToView(side: Side, w: number, h: number, r: Rect): Rect {
  switch (side) {
    case 'left':
      return { ...r };
    case 'right':
      return { x0: w - r.x1, y0: r.y0, x1: w - r.x0, y1: r.y1 };
    case 'top':
      return { x0: r.y0, y0: r.x0, x1: r.y1, y1: r.x1 };
    case 'bottom':
      return { x0: h - r.y1, y0: r.x0, x1: h - r.y0, y1: r.x1 };
  }
}
