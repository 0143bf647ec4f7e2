import { describe, expect, it } from 'vitest';
import type { OutpaintEngine, OutpaintTask } from '../../../src/engines/types.js';
import { Compositor } from '../../../src/frames/compose.js';
import { KeyframeStack } from '../../../src/render/keyframe-stack.js';
import { ProgressTracker } from '../../../src/render/progress.js';
import { validateWalkRequest } from '../../../src/request/validate.js';
import { unknownMask } from '../../../src/walk/mask.js';
import { planWalk, type WalkPlan } from '../../../src/walk/plan.js';
import { texturedImage } from '../../helpers/images.js';

const W = 96;
const H = 64;
const T = 8;

/** Records each task's mask, generated plane and history planes; fills with grey. */
function recorder(): OutpaintEngine & { seen: OutpaintTask[] } {
  const seen: OutpaintTask[] = [];
  return {
    name: 'rec',
    seen,
    outpaint: async (t) => {
      seen.push({ ...t, generated: t.generated?.slice() ?? new Uint8Array(0), historyGenerated: (t.historyGenerated ?? []).map((g) => g?.slice()) });
      return { ...t.image, data: new Uint8Array(t.image.data.length).fill(90) };
    },
  };
}

async function walk(types: string[]): Promise<{ seen: OutpaintTask[]; plan: WalkPlan }> {
  const request = validateWalkRequest({ image: 'x.png', walk_type: types, width: W, height: H, width_translation_per_step: T, height_translation_per_step: T, num_interpolation_steps: 2, seed: 3, overlap_width: 0 });
  const plan = planWalk(request);
  const engine = recorder();
  const tracker = new ProgressTracker(1, plan.steps.length, 0, () => {});
  const compositor = new Compositor({ width: W, height: H, overlap: request.overlap, filter: 'cubic', kernel: 'js' });
  const stack = new KeyframeStack({ request, plan, input: texturedImage(W, H, 5), engine, seed: 3, options: {}, tracker }, compositor);
  for (let i = 0; i < plan.steps.length; i++) await stack.next();
  return { seen: engine.seen, plan };
}

/** How many pixels of each column a plane marks. */
function columns(plane: Uint8Array): number[] {
  const c = new Array<number>(W).fill(0);
  for (let p = 0; p < plane.length; p++) if (plane[p]) c[p % W]!++;
  return c;
}

describe('the renderer tells the engine which known pixels were generated', () => {
  it('two pans left: step 1 sees the photo as photo, step 2 sees step 1\'s band as generated', async () => {
    const [a, b] = (await walk(['left', 'left'])).seen;
    expect(a!.generated).toBeDefined();
    expect(a!.generated!.every((v) => v === 0)).toBe(true);
    // Step 2: the view moved T more to the left, so step 1's band [0,T) now lies at [T,2T).
    const cols = columns(b!.generated!);
    for (let x = 0; x < W; x++) expect(cols[x], `column ${x}`).toBe(x >= T && x < 2 * T ? H : 0);
    // Never marks a pixel the engine is asked to generate.
    for (let p = 0; p < W * H; p++) if (b!.mask[p]) expect(b!.generated![p]).toBe(0);
    // History planes: the photo (nothing generated), then keyframe 1 with its band [0,T).
    expect(b!.historyGenerated).toHaveLength(2);
    expect(b!.historyGenerated![0]!.every((v) => v === 0)).toBe(true);
    const h1 = columns(b!.historyGenerated![1]!);
    for (let x = 0; x < W; x++) expect(h1[x]).toBe(x < T ? H : 0);
  });

  it('two zoom-outs: the first ring, shrunk, is the generated frame round the photo', async () => {
    const { seen, plan } = await walk(['backward', 'backward']);
    const [a, b] = seen;
    expect(a!.generated!.every((v) => v === 0)).toBe(true);
    const g = b!.generated!;
    // Pixels not fully inside the photo's rectangle in step 2's view.
    const outsidePhoto = unknownMask(plan.steps[1]!.to, [plan.viewports[0]!], W, H);
    let expected = 0, wrong = 0;
    for (let p = 0; p < W * H; p++) {
      const want = b!.mask[p] === 0 && outsidePhoto[p] !== 0;
      if (want) expected++;
      if (want !== (g[p] === 1)) wrong++;
    }
    expect(expected).toBeGreaterThan(100);
    // Up to the photo's rim, where resampling mixes photo and fill within one pixel.
    expect(wrong).toBeLessThanOrEqual(W + H);
  });
});
