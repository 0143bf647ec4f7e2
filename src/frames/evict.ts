import { contains, intersect, viewportRect, type Viewport } from '../walk/geometry.js';
import type { Layer } from './layer.js';

/**
 * Drops layers no later frame can show. The camera scale never shrinks during a walk,
 * so a layer contained in a coarser layer that is already sharp enough, or in a newer
 * layer of the same scale, stays hidden for good; keeping it would only grow memory.
 */
export function evictHidden(layers: readonly Layer[], camera: Viewport, width: number, height: number): Layer[] {
  const cameraScale = camera.scale;
  const rects = layers.map((l) => viewportRect(l.viewport, width, height));
  // Layers a whole view-size away are dropped too, so a long pan does not pile up layers;
  // ground the walk returns to later is outpainted again (the mask follows the kept layers).
  const v = viewportRect(camera, width, height);
  const near = { x0: 2 * v.x0 - v.x1, y0: 2 * v.y0 - v.y1, x1: 2 * v.x1 - v.x0, y1: 2 * v.y1 - v.y0 };
  return layers.filter((l, i) =>
    intersect(rects[i]!, near) !== null &&
    !layers.some((o, j) => {
      if (j === i || !contains(rects[j]!, rects[i]!, 1e-6 * Math.max(1, cameraScale))) return false;
      const os = o.viewport.scale;
      const ls = l.viewport.scale;
      const sameScale = Math.abs(os - ls) <= ls * 1e-9;
      return (os > ls && !sameScale && os <= cameraScale * (1 + 1e-9)) || (sameScale && o.id > l.id);
    }),
  );
}
