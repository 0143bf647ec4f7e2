/**
 * Which source regions a fill has already copied, so quilting charges a block for overlapping them:
 * the same pixels twice (or a block and its mirror image) show as a visible repeat.
 */
import type { Rect } from '../../walk/geometry.js';
import { rectFromView, rectToView, type Side } from './view.js';

/** Charged for copying a block overlapping one already used (in any band of this fill): avoids visible repeats. */
const REUSE_W = 400;

/**
 * Regions already copied in this fill, across all its bands, in each library entry's own (unrotated)
 * coordinates, so the left and right bands of a ring, or a block and its mirror image, are not the
 * same pixels twice. `twin[k]` is the entry holding entry k's mirror image (-1: none).
 */
export interface UsedRegistry {
  rects: { k: number; rect: Rect }[];
  twin: number[];
}

/** How a band's view maps to the library entries' own coordinates. */
export interface ViewMap {
  side: Side;
  /** Unrotated size of each library entry. */
  sizes: { width: number; height: number }[];
}

/** One copied region, in a band's view coordinates. */
export interface Used {
  k: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Earlier bands' copies in the registry (and their mirror twins), seen from this band's view. */
export function usedSoFar(registry?: UsedRegistry, map?: ViewMap): Used[] {
  const used: Used[] = [];
  if (registry && map) {
    for (const { k, rect } of registry.rects) {
      const sz = map.sizes[k];
      if (!sz) continue;
      for (const kk of [k, registry.twin[k] ?? -1]) {
        if (kk < 0) continue;
        const b = kk === k ? rect : { x0: sz.width - rect.x1, y0: rect.y0, x1: sz.width - rect.x0, y1: rect.y1 };
        const v = rectToView(map.side, sz.width, sz.height, b);
        used.push({ k: kk, x: v.x0, y: v.y0, w: v.x1 - v.x0, h: v.y1 - v.y0 });
      }
    }
  }
  return used;
}

/** Records a block copied from entry k at `rect` (view coordinates) in the registry, in k's own coordinates. */
export function registerCopy(k: number, rect: Rect, registry?: UsedRegistry, map?: ViewMap): void {
  if (registry && map?.sizes[k]) {
    const sz = map.sizes[k]!;
    registry.rects.push({ k, rect: rectFromView(map.side, sz.width, sz.height, rect) });
  }
}

/** Charges region `rect` (view coordinates) of library entry k, and its mirror image in k's twin entry. */
export function markUsed(used: Used[], k: number, rect: Rect, registry?: UsedRegistry, map?: ViewMap): void {
  used.push({ k, x: rect.x0, y: rect.y0, w: rect.x1 - rect.x0, h: rect.y1 - rect.y0 });
  const tw = registry?.twin[k] ?? -1;
  const sz = map?.sizes[k];
  if (tw < 0 || !sz || !map) return;
  const o = rectFromView(map.side, sz.width, sz.height, rect);
  const v = rectToView(map.side, sz.width, sz.height, { x0: sz.width - o.x1, y0: o.y0, x1: sz.width - o.x0, y1: o.y1 });
  used.push({ k: tw, x: v.x0, y: v.y0, w: v.x1 - v.x0, h: v.y1 - v.y0 });
}

/** The largest fraction of a w×h block at (x, y) of entry k already used, times REUSE_W. */
export function reusePenalty(used: readonly Used[], k: number, x: number, y: number, w: number, h: number): number {
  let p = 0;
  for (const u of used) {
    if (u.k !== k) continue;
    const ix = Math.min(x + w, u.x + u.w) - Math.max(x, u.x);
    const iy = Math.min(y + h, u.y + u.h) - Math.max(y, u.y);
    if (ix > 0 && iy > 0) p = Math.max(p, (ix * iy) / (w * h));
  }
  return REUSE_W * p;
}
