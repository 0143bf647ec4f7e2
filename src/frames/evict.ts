import { contains, viewportRect } from '../walk/geometry.js';
import type { Layer } from './layer.js';

/**
 * Drops layers no later frame can show. The camera scale never shrinks during a walk,
 * so a layer contained in a coarser layer that is already sharp enough, or in a newer
 * layer of the same scale, stays hidden for good; keeping it would only grow memory.
 */
export function evictHidden(layers: readonly Layer[], cameraScale: number, width: number, height: number): Layer[] {
  const rects = layers.map((l) => viewportRect(l.viewport, width, height));
  return layers.filter((l, i) =>
    !layers.some((o, j) => {
      if (j === i || !contains(rects[j]!, rects[i]!, 1e-6 * Math.max(1, cameraScale))) return false;
      const os = o.viewport.scale;
      const ls = l.viewport.scale;
      const sameScale = Math.abs(os - ls) <= ls * 1e-9;
      return (os > ls && !sameScale && os <= cameraScale * (1 + 1e-9)) || (sameScale && o.id > l.id);
    }),
  );
}
