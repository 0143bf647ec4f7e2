// Per-step seeds: `seed` as one number keeps the formula keyframes were always made with; as a
// list it gives each step its own (null: that step's default), validated with messages naming
// `seed[i]`; samples shift every step's seed by their number.
import { describe, expect, it } from 'vitest';
import type { OutpaintEngine } from '../../../src/engines/types.js';
import { Compositor } from '../../../src/frames/compose.js';
import { KeyframeStack } from '../../../src/render/keyframe-stack.js';
import { ProgressTracker } from '../../../src/render/progress.js';
import { defaultStepSeed, fillStepSeeds, stepSeed } from '../../../src/request/step-seeds.js';
import { validateWalkRequest } from '../../../src/request/validate.js';
import { planWalk } from '../../../src/walk/plan.js';
import { texturedImage } from '../../helpers/images.js';
import { ValidationError } from '../../../src/errors.js';

const BODY = { image: 'x.png', walk_type: ['left', 'up', 'backward'], width: 96, height: 64, width_translation_per_step: 8, height_translation_per_step: 8, num_interpolation_steps: 2 };

/** The seeds the engine is called with, step by step, for sample `sample` of `body`. */
async function seedsUsed(body: Record<string, unknown>, sampleSeed: number, sample = 0): Promise<number[]> {
  const request = validateWalkRequest(body);
  const plan = planWalk(request);
  const seen: number[] = [];
  const engine: OutpaintEngine = { name: 'seeds', outpaint: async (t) => (seen.push(t.seed), { ...t.image, data: new Uint8Array(t.image.data.length).fill(t.seed & 0xff) }) };
  const tracker = new ProgressTracker(1, plan.steps.length, 0);
  tracker.sample = sample;
  const stack = new KeyframeStack({ request, plan, input: texturedImage(96, 64, 2), engine, seed: sampleSeed, options: {}, tracker }, new Compositor({ width: 96, height: 64, overlap: 4, filter: 'cubic', kernel: 'js' }));
  for (let i = 0; i < plan.steps.length; i++) await stack.next();
  return seen;
}

describe('per-step seeds', () => {
  it('keeps the single-seed formula: step i of seed s is s + 7919·i (mod 2³²)', async () => {
    expect(await seedsUsed({ ...BODY, seed: 7 }, 7)).toEqual([7, 7 + 7919, 7 + 2 * 7919]);
    expect(defaultStepSeed(0xffffffff, 1)).toBe(7918);
  });

  it('takes a list, one per step, null being that step\'s default; a list filled with the defaults is the single seed', async () => {
    const request = validateWalkRequest({ ...BODY, seed: [null, 42, null] });
    expect(request.seed).toBeNull();
    expect(request.stepSeeds).toEqual([null, 42, null]);
    expect(await seedsUsed({ ...BODY, seed: [null, 42, null] }, 7)).toEqual([7, 42, 7 + 2 * 7919]);
    expect(await seedsUsed({ ...BODY, seed: fillStepSeeds([null, null, null], 7) }, 0)).toEqual(await seedsUsed({ ...BODY, seed: 7 }, 7));
    // Sample n shifts every step by n, its own seeds included, as the single seed always did.
    expect(await seedsUsed({ ...BODY, seed: [5, 42, null] }, 8, 1)).toEqual([6, 43, 8 + 2 * 7919]);
    expect(stepSeed(8, [5, null], 1, 1)).toBe(8 + 7919);
  });

  it('names seed[i] and the limit for a bad entry, and seed for a list of the wrong length', () => {
    const issues = (seed: unknown): { path: string; message: string }[] => {
      try {
        validateWalkRequest({ ...BODY, seed });
      } catch (err) {
        return [...(err as ValidationError).issues];
      }
      return [];
    };
    expect(issues([1, -5, null])).toEqual([{ path: 'seed[1]', message: '-5 is below the minimum 0' }]);
    expect(issues([1, 2, 1.5])).toEqual([{ path: 'seed[2]', message: '1.5 must be an integer' }]);
    expect(issues([1, 2])).toEqual([{ path: 'seed', message: "2 seeds given for 3 walk steps; give one seed, or one per step (null: that step's default)" }]);
    expect(issues('x')).toEqual([{ path: 'seed', message: '"x" has the wrong type' }]);
    expect(issues(['3', null, 4])).toEqual([]);
  });
});
