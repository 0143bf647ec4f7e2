/** A camera position in world coordinates: top-left corner and world units per output pixel. */
export interface Viewport {
  readonly x: number;
  readonly y: number;
  /** World units per output pixel; keyframe 0 has scale 1, each backward step divides by s. */
  readonly scale: number;
}

/** An axis-aligned rectangle; x1/y1 exclusive. */
export interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The world rectangle a viewport of width×height output pixels sees. */
export function viewportRect(v: Viewport, width: number, height: number): Rect {
  return { x0: v.x, y0: v.y, x1: v.x + width * v.scale, y1: v.y + height * v.scale };
}

/** Where a world rectangle lands in a viewport's pixel coordinates (fractional). */
export function rectInView(r: Rect, v: Viewport): Rect {
  return {
    x0: (r.x0 - v.x) / v.scale,
    y0: (r.y0 - v.y) / v.scale,
    x1: (r.x1 - v.x) / v.scale,
    y1: (r.y1 - v.y) / v.scale,
  };
}

/** Intersection, or null when empty. */
export function intersect(a: Rect, b: Rect): Rect | null {
  const r = { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
  return r.x1 > r.x0 && r.y1 > r.y0 ? r : null;
}

/** True when `inner` lies inside `outer`, with a tolerance for float noise. */
export function contains(outer: Rect, inner: Rect, eps = 1e-6): boolean {
  return inner.x0 >= outer.x0 - eps && inner.y0 >= outer.y0 - eps && inner.x1 <= outer.x1 + eps && inner.y1 <= outer.y1 + eps;
}

/**
 * Camera between two viewports at t∈[0,1]: the centre moves linearly, the scale
 * exponentially, so the zoom ratio between consecutive frames is constant.
 */
export function interpolateViewport(a: Viewport, b: Viewport, t: number, width: number, height: number): Viewport {
  const scale = a.scale * Math.pow(b.scale / a.scale, t);
  const acx = a.x + (width * a.scale) / 2;
  const acy = a.y + (height * a.scale) / 2;
  const bcx = b.x + (width * b.scale) / 2;
  const bcy = b.y + (height * b.scale) / 2;
  const cx = acx + (bcx - acx) * t;
  const cy = acy + (bcy - acy) * t;
  return { x: cx - (width * scale) / 2, y: cy - (height * scale) / 2, scale };
}
