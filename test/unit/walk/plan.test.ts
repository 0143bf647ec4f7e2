import { describe, expect, it } from 'vitest';
import { validateWalkRequest } from '../../../src/request/validate.js';
import { interpolateViewport } from '../../../src/walk/geometry.js';
import { maskArea, unknownMask } from '../../../src/walk/mask.js';
import { planWalk } from '../../../src/walk/plan.js';

const plan = (body: Record<string, unknown>) => planWalk(validateWalkRequest({ image: 'x', ...body }));

describe('planWalk', () => {
  it('counts 1 + steps × interpolation frames', () => {
    expect(plan({ walk_type: ['left', 'up', 'backward'], num_interpolation_steps: 10 }).totalFrames).toBe(31);
  });

  it('moves the viewport by the translation of the current view for each pan', () => {
    const p = plan({ walk_type: ['left', 'right', 'up', 'down'], width_translation_per_step: 16, height_translation_per_step: 8 });
    expect(p.viewports.map((v) => [v.x, v.y])).toEqual([[0, 0], [-16, 0], [0, 0], [0, -8], [0, 0]]);
    expect(p.steps.map((s) => s.known)).toEqual([
      { x0: 16, y0: 0, x1: 528, y1: 512 },
      { x0: -16, y0: 0, x1: 496, y1: 512 },
      { x0: 0, y0: 8, x1: 512, y1: 520 },
      { x0: 0, y0: -8, x1: 512, y1: 504 },
    ]);
  });

  it('zooms out uniformly about the centre for backward, with s = 1 − 2·max(tw/W, th/H)', () => {
    const p = plan({ walk_type: ['backward'], width: 1080, height: 1920, width_translation_per_step: 54, height_translation_per_step: 48 });
    const s = 1 - 2 * Math.max(54 / 1080, 48 / 1920);
    expect(p.steps[0]!.shrink).toBeCloseTo(s, 12);
    const to = p.viewports[1]!;
    expect(to.scale).toBeCloseTo(1 / s, 12);
    expect(to.x + (1080 * to.scale) / 2).toBeCloseTo(540, 9);
    expect(to.y + (1920 * to.scale) / 2).toBeCloseTo(960, 9);
    const k = p.steps[0]!.known;
    // The previous view keeps its aspect ratio: never stretched.
    expect((k.x1 - k.x0) / (k.y1 - k.y0)).toBeCloseTo(1080 / 1920, 9);
    expect(k.x1 - k.x0).toBeCloseTo(1080 * s, 9);
  });

  it('treats back like backward', () => {
    expect(plan({ walk_type: ['back'] }).steps[0]!.kind).toBe('backward');
  });

  it('pans a backward-scaled view by pixels of the current view', () => {
    const p = plan({ walk_type: ['backward', 'right'], translation_factor: 0.1 });
    const z = p.viewports[1]!.scale;
    expect(p.viewports[2]!.x - p.viewports[1]!.x).toBeCloseTo(51 * z, 9);
  });

  it('interpolates position linearly and scale exponentially', () => {
    const p = plan({ walk_type: ['backward'], translation_factor: 0.1 });
    const [a, b] = [p.viewports[0]!, p.viewports[1]!];
    const ratios = [0, 1, 2, 3].map((k) => interpolateViewport(a, b, (k + 1) / 4, 512, 512).scale / interpolateViewport(a, b, k / 4, 512, 512).scale);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0]!, 12);
    expect(interpolateViewport(a, b, 1, 512, 512).scale).toBeCloseTo(b.scale, 12);
    const pan = plan({ walk_type: ['right'], width_translation_per_step: 32, height_translation_per_step: 32 });
    const x = (t: number) => interpolateViewport(pan.viewports[0]!, pan.viewports[1]!, t, 512, 512).x;
    expect(x(1 / 60)).toBeCloseTo(32 / 60, 12);
    expect(x(0.5)).toBeCloseTo(16, 12);
  });
});

describe('unknownMask', () => {
  it('masks exactly the new band of a pan', () => {
    const p = plan({ walk_type: ['left'], width: 64, height: 64, width_translation_per_step: 8, height_translation_per_step: 8 });
    const mask = unknownMask(p.viewports[1]!, p.viewports.slice(0, 1), 64, 64);
    expect(maskArea(mask)).toBe(8 * 64);
    expect(mask[0]).toBe(255);
    expect(mask[7]).toBe(255);
    expect(mask[8]).toBe(0);
  });

  it('masks the ring of a backward step, including partly covered pixels', () => {
    const p = plan({ walk_type: ['backward'], width: 100, height: 100, width_translation_per_step: 10, height_translation_per_step: 10 });
    const mask = unknownMask(p.viewports[1]!, p.viewports.slice(0, 1), 100, 100);
    // s = 0.8: the old view covers [10, 90) exactly.
    expect(maskArea(mask)).toBe(100 * 100 - 80 * 80);
  });

  it('reuses ground already seen when the walk comes back', () => {
    const p = plan({ walk_type: ['left', 'right', 'right'], width: 64, height: 64, width_translation_per_step: 8, height_translation_per_step: 8 });
    const back = unknownMask(p.viewports[2]!, p.viewports.slice(0, 2), 64, 64);
    expect(maskArea(back)).toBe(0);
    const fresh = unknownMask(p.viewports[3]!, p.viewports.slice(0, 3), 64, 64);
    expect(maskArea(fresh)).toBe(8 * 64);
  });
});
