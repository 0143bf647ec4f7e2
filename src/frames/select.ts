import { contains, intersect, viewportRect, type Rect, type Viewport } from '../walk/geometry.js';
import type { Layer } from './layer.js';

/** A layer chosen for a frame, with the edges that fade into the layers below it. */
export interface PlacedLayer {
  readonly layer: Layer;
  /** World rectangle of the whole layer. */
  readonly rect: Rect;
  /** Which edges get a feather ramp: only those with other layers underneath. */
  readonly feather: { readonly left: boolean; readonly right: boolean; readonly top: boolean; readonly bottom: boolean };
}

const REL_EPS = 1e-9;

/**
 * True when `layer` adds nothing to a view at `camera`: a coarser layer already shows its
 * visible part at full screen resolution, or a newer layer of the same scale covers it.
 */
function redundant(l: Layer, lr: Rect, visible: Rect, others: readonly { layer: Layer; rect: Rect }[], camera: Viewport): boolean {
  for (const o of others) {
    if (o.layer === l || !contains(o.rect, visible, 1e-6 * Math.max(1, camera.scale))) continue;
    const os = o.layer.viewport.scale;
    const ls = l.viewport.scale;
    const coarserButSharpEnough = os > ls * (1 + REL_EPS) && os <= camera.scale * (1 + REL_EPS);
    const sameScaleNewer = Math.abs(os - ls) <= ls * REL_EPS && o.layer.id > l.id;
    if (coarserButSharpEnough || sameScaleNewer) return true;
  }
  return lr.x1 <= lr.x0;
}

/**
 * Chooses and orders the layers for one frame: coarsest first, finer (and newer)
 * on top, redundant ones dropped, and feathered edges decided from what lies below.
 */
export function selectLayers(layers: readonly Layer[], camera: Viewport, width: number, height: number, overlap: number): PlacedLayer[] {
  const view = viewportRect(camera, width, height);
  const candidates: { layer: Layer; rect: Rect; visible: Rect }[] = [];
  for (const layer of layers) {
    const rect = viewportRect(layer.viewport, width, height);
    const visible = intersect(rect, view);
    // Layers smaller than a pixel on screen are noise, not content.
    if (visible && (rect.x1 - rect.x0) / camera.scale >= 1) candidates.push({ layer, rect, visible });
  }
  const kept = candidates.filter((c) => !redundant(c.layer, c.rect, c.visible, candidates, camera));
  kept.sort((a, b) => b.layer.viewport.scale - a.layer.viewport.scale || a.layer.id - b.layer.id);

  const placed: PlacedLayer[] = [];
  kept.forEach((c, i) => {
    const below = kept.slice(0, i).map((k) => k.rect);
    const band = overlap * c.layer.viewport.scale;
    // An edge fades only where the strip inside it (as far as it is on screen) has a layer below.
    const covered = (strip: Rect): boolean => {
      const s = intersect(strip, view);
      return s !== null && below.some((b) => contains(b, s, 1e-6 * Math.max(1, camera.scale)));
    };
    const r = c.rect;
    placed.push({
      layer: c.layer,
      rect: r,
      feather: {
        left: band > 0 && covered({ x0: r.x0, y0: r.y0, x1: r.x0 + band, y1: r.y1 }),
        right: band > 0 && covered({ x0: r.x1 - band, y0: r.y0, x1: r.x1, y1: r.y1 }),
        top: band > 0 && covered({ x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y0 + band }),
        bottom: band > 0 && covered({ x0: r.x0, y0: r.y1 - band, x1: r.x1, y1: r.y1 }),
      },
    });
  });
  return placed;
}
