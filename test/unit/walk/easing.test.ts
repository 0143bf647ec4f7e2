import { describe, expect, it } from 'vitest';
import { EASINGS } from '../../../src/request/limits.js';
import { ease, easeSpeed, framePositions } from '../../../src/walk/easing.js';
import { planWalk } from '../../../src/walk/plan.js';

describe('easing curves', () => {
  it('run from 0 to 1, and easeSpeed is their derivative', () => {
    for (const e of EASINGS) {
      expect(ease(e, 0)).toBe(0);
      expect(ease(e, 1)).toBe(1);
      for (const t of [0.1, 0.3, 0.5, 0.8]) {
        const h = 1e-6;
        expect(easeSpeed(e, t)).toBeCloseTo((ease(e, t + h) - ease(e, t - h)) / (2 * h), 5);
      }
    }
    expect(ease('ease-in', 0.5)).toBe(0.125);
    expect(ease('ease-out', 0.5)).toBe(0.875);
    expect(ease('ease-in-out', 0.25)).toBeCloseTo(0.15625, 12);
  });
});

describe('framePositions', () => {
  it('gives linear walks exactly today’s cameras: step i, t = k / N', () => {
    const pos = framePositions(3, 4, 'linear');
    expect(pos).toHaveLength(13);
    expect(pos[0]).toEqual({ step: -1, t: 0 });
    for (let i = 0; i < 3; i++) for (let k = 1; k <= 4; k++) expect(pos[1 + i * 4 + (k - 1)]).toEqual({ step: i, t: k / 4 });
  });

  it('maps frame f to p = steps · e(f / (F − 1)) over the whole walk, ending on the last keyframe', () => {
    for (const e of ['ease-in', 'ease-out', 'ease-in-out'] as const) {
      const pos = framePositions(8, 6, e);
      expect(pos).toHaveLength(49);
      let last = 0;
      pos.slice(1).forEach((p, i) => {
        const progress = p.step + p.t;
        expect(progress).toBeCloseTo(8 * ease(e, (i + 1) / 48), 12);
        expect(p.t).toBeGreaterThan(0);
        expect(p.t).toBeLessThanOrEqual(1);
        expect(progress).toBeGreaterThan(last);
        last = progress;
      });
      expect(pos[48]).toEqual({ step: 7, t: 1 });
    }
  });

  it('ease-in starts slowly: the first steps take more frames than the last ones', () => {
    const pos = framePositions(8, 6, 'ease-in');
    const inStep = (s: number): number => pos.filter((p) => p.step === s).length;
    expect(inStep(0)).toBeGreaterThan(6);
    expect(inStep(7)).toBeLessThan(6);
  });
});

describe('planWalk timing', () => {
  const base = { width: 64, height: 64, walk: ['backward', 'backward'] as const, translation: { x: 4, y: 4, source: 'px' as const }, interpolationSteps: 5, fps: 10, prompts: ['', ''] };
  it('adds the holds to the frame count', () => {
    expect(planWalk(base).totalFrames).toBe(11);
    expect(planWalk({ ...base, holdStart: 0.5, holdEnd: 0.26 }).totalFrames).toBe(11 + 5 + 3);
  });
  it('drops a loop’s last frame: it would be frame 0 again', () => {
    const plan = planWalk({ ...base, loop: true });
    expect(plan.frames).toHaveLength(10);
    expect(plan.totalFrames).toBe(10);
    expect(plan.frames[9]).toEqual({ step: 1, t: 0.8 });
  });
});
