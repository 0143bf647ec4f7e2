import { describe, expect, it } from 'vitest';
import { evictHidden } from '../../../src/frames/evict.js';
import { createLayer, type Layer } from '../../../src/frames/layer.js';
import { createImage } from '../../../src/image/raw.js';
import type { WalkType } from '../../../src/request/limits.js';
import type { Viewport } from '../../../src/walk/geometry.js';
import { planWalk } from '../../../src/walk/plan.js';

const W = 100;
const H = 80;
const image = createImage(W, H);
const layer = (id: number, viewport: Viewport): Layer => createLayer(id, image, viewport);
const centred = (scale: number): Viewport => ({ x: W / 2 - (W * scale) / 2, y: H / 2 - (H * scale) / 2, scale });
const ids = (layers: readonly Layer[]): number[] => layers.map((l) => l.id);

describe('evictHidden', () => {
  const fine = layer(0, centred(1));
  const coarse = layer(1, centred(1.25));

  it('keeps a finer layer while the camera still shows it sharper than the coarser one', () => {
    expect(ids(evictHidden([fine, coarse], centred(1), W, H))).toEqual([0, 1]);
    expect(ids(evictHidden([fine, coarse], centred(1.2), W, H))).toEqual([0, 1]);
  });

  it('drops a layer hidden for good: inside a coarser layer that is sharp enough at the camera scale', () => {
    expect(ids(evictHidden([fine, coarse], centred(1.25), W, H))).toEqual([1]);
  });

  it('drops an older layer inside a newer one of the same scale, never the newer', () => {
    const again = layer(2, centred(1));
    expect(ids(evictHidden([fine, again], centred(1), W, H))).toEqual([2]);
    expect(ids(evictHidden([again, fine], centred(1), W, H))).toEqual([2]);
  });

  it('keeps side-by-side layers of a pan, which hide nothing of each other', () => {
    const left = layer(1, { x: -16, y: 0, scale: 1 });
    expect(ids(evictHidden([fine, left], { x: -8, y: 0, scale: 1 }, W, H))).toEqual([0, 1]);
  });

  it('drops a layer a whole view-size away from the camera, and keeps one nearer', () => {
    // The camera's view is [x, x + 100); layers within one view-size of it on every side stay.
    expect(ids(evictHidden([fine], { x: 150, y: 0, scale: 1 }, W, H))).toEqual([0]);
    expect(ids(evictHidden([fine], { x: 200, y: 0, scale: 1 }, W, H))).toEqual([]);
    expect(ids(evictHidden([fine], { x: 0, y: -170, scale: 1 }, W, H))).toEqual([]);
  });

  it('holds a bounded number of layers over a long walk, always keeping the two the step shows', () => {
    const cycle: WalkType[] = ['right', 'right', 'backward', 'down', 'left', 'up', 'right', 'backward'];
    const walk = Array.from({ length: 400 }, (_, i) => cycle[i % cycle.length]!);
    const plan = planWalk({ width: W, height: H, walk, translation: { x: 16, y: 12, source: 'px' }, interpolationSteps: 1, fps: 30, prompts: walk.map(() => '') });
    let layers = [layer(0, plan.viewports[0]!)];
    const held: number[] = [];
    for (let i = 0; i < walk.length; i++) {
      // As the renderer does: add step i's keyframe, evict against the step's starting camera.
      layers = evictHidden([...layers, layer(i + 1, plan.viewports[i + 1]!)], plan.viewports[i]!, W, H);
      expect(ids(layers)).toContain(i);
      expect(ids(layers)).toContain(i + 1);
      held.push(layers.length);
    }
    // Two cycles in, the stack is as large as it gets: no more later in the walk, and small.
    expect(Math.max(...held.slice(-100))).toBeLessThanOrEqual(Math.max(...held.slice(0, 2 * cycle.length)));
    expect(Math.max(...held)).toBeLessThanOrEqual(8);
  });

  it('holds a bounded number of layers on a long straight pan', () => {
    const walk: WalkType[] = Array.from({ length: 300 }, () => 'right');
    const plan = planWalk({ width: W, height: H, walk, translation: { x: 10, y: 10, source: 'px' }, interpolationSteps: 1, fps: 30, prompts: walk.map(() => '') });
    let layers = [layer(0, plan.viewports[0]!)];
    let most = 0;
    for (let i = 0; i < walk.length; i++) {
      layers = evictHidden([...layers, layer(i + 1, plan.viewports[i + 1]!)], plan.viewports[i]!, W, H);
      most = Math.max(most, layers.length);
    }
    // A layer stays while it overlaps the view widened by 100 px each side: ids i−19 … i+1.
    expect(most).toBeLessThanOrEqual(21);
    expect(Math.min(...ids(layers))).toBeGreaterThan(300 - 21);
  });
});
