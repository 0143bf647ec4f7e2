import { describe, expect, it } from 'vitest';
import type { OutpaintEngine } from '../../../src/engines/types.js';
import { AbortError, EngineError } from '../../../src/errors.js';
import { Compositor } from '../../../src/frames/compose.js';
import { createImage, type RawImage } from '../../../src/image/raw.js';
import { KeyframeStack, type KeyframeJob } from '../../../src/render/keyframe-stack.js';
import { ProgressTracker, type RenderProgress } from '../../../src/render/progress.js';
import { validateWalkRequest } from '../../../src/request/validate.js';
import { maskArea } from '../../../src/walk/mask.js';
import { planWalk } from '../../../src/walk/plan.js';
import { texturedImage } from '../../helpers/images.js';

const W = 96;
const H = 64;
const T = 4;
const input = texturedImage(W, H, 3);

interface SeenTask {
  readonly seed: number;
  readonly prompt: string;
  readonly masked: number;
  readonly history: readonly RawImage[];
}

/** An engine that paints every pixel `fill` and records what it was asked (the history as it was then). */
function greyEngine(fill = 77): OutpaintEngine & { seen: SeenTask[] } {
  const seen: SeenTask[] = [];
  return {
    name: 'grey',
    seen,
    outpaint: async (t) => {
      seen.push({ seed: t.seed, prompt: t.prompt, masked: maskArea(t.mask), history: [...(t.history ?? [])] });
      return { ...t.image, data: new Uint8Array(t.image.data.length).fill(fill) };
    },
  };
}

/** A stack for a walk of `walk` steps of T px on a W×H input, seed 11. */
function stack(walk: string[], engine: OutpaintEngine, options: KeyframeJob['options'] = {}, extra: Record<string, unknown> = {}): { keyframes: KeyframeStack; tracker: ProgressTracker; reports: RenderProgress[] } {
  const request = validateWalkRequest({ image: 'x.png', walk_type: walk, width: W, height: H, width_translation_per_step: T, height_translation_per_step: T, num_interpolation_steps: 2, seed: 11, ...extra });
  const plan = planWalk(request);
  const reports: RenderProgress[] = [];
  const tracker = new ProgressTracker(1, plan.steps.length, 0, (p) => reports.push(p));
  const compositor = new Compositor({ width: W, height: H, overlap: request.overlap, filter: 'cubic', kernel: 'js' });
  return { keyframes: new KeyframeStack({ request, plan, input, engine, seed: 11, options, tracker }, compositor), tracker, reports };
}

/** Makes `n` keyframes in turn. */
async function make(keyframes: KeyframeStack, n: number): Promise<RawImage[]> {
  const made: RawImage[] = [];
  for (let i = 0; i < n; i++) made.push(await keyframes.next());
  return made;
}

describe('KeyframeStack', () => {
  it('starts from the input as layer 0 and adds each keyframe as a layer at its viewport', async () => {
    const { keyframes } = stack(['left', 'up'], greyEngine());
    expect(keyframes.layers).toEqual([keyframes.first]);
    expect(keyframes.first.image).toBe(input);
    const made = await make(keyframes, 2);
    expect(keyframes.layers.map((l) => l.id)).toEqual([0, 1, 2]);
    expect(keyframes.layers.map((l) => l.image)).toEqual([input, made[0], made[1]]);
    expect(keyframes.layers.map((l) => l.viewport)).toEqual([{ x: 0, y: 0, scale: 1 }, { x: -T, y: 0, scale: 1 }, { x: -T, y: -T, scale: 1 }]);
  });

  it('drops a layer once the walk has zoomed out past it for good', async () => {
    const { keyframes } = stack(['backward', 'backward', 'backward'], greyEngine());
    const held: number[][] = [];
    for (let i = 0; i < 3; i++) {
      await keyframes.next();
      held.push(keyframes.layers.map((l) => l.id));
    }
    // Step i's frames start at keyframe i's scale, so keyframe i stays through step i.
    expect(held).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('outpaints only the new band of a pan, and keeps every pixel already known', async () => {
    const engine = greyEngine(77);
    const { keyframes } = stack(['left'], engine);
    const [k] = await make(keyframes, 1);
    expect(engine.seen.map((t) => t.masked)).toEqual([T * H]);
    for (let y = 0; y < H; y++) {
      const row = (img: RawImage, x0: number, x1: number): number[] => [...img.data.subarray((y * W + x0) * 3, (y * W + x1) * 3)];
      expect(row(k!, 0, T)).toEqual(new Array<number>(T * 3).fill(77));
      expect(row(k!, T, W)).toEqual(row(input, 0, W - T));
    }
  });

  it('gives each step its own seed and prompt', async () => {
    const engine = greyEngine();
    const { keyframes } = stack(['left', 'left', 'up'], engine, {}, { prompt: ['a', 'b', 'c'] });
    await make(keyframes, 3);
    expect(engine.seen.map((t) => t.seed)).toEqual([11, 11 + 7919, 11 + 2 * 7919]);
    expect(engine.seen.map((t) => t.prompt)).toEqual(['a', 'b', 'c']);
  });

  it('hands the engine the earlier keyframes, newest last, at most four', async () => {
    const engine = greyEngine();
    const { keyframes } = stack(['left', 'left', 'left', 'left', 'left', 'left'], engine);
    const all = [input, ...(await make(keyframes, 6))];
    const history = engine.seen.map((t) => t.history.map((img) => all.indexOf(img)));
    expect(history).toEqual([[0], [0, 1], [0, 1, 2], [0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5]]);
  });

  it('does not call the engine for ground the walk has already seen', async () => {
    const engine = greyEngine();
    const { keyframes } = stack(['left', 'right'], engine);
    await make(keyframes, 2);
    expect(engine.seen).toHaveLength(1);
  });

  it('takes a saved keyframe of the right size instead of the engine, and ignores one of another size', async () => {
    const engine = greyEngine();
    const saved = texturedImage(W, H, 8);
    const asked: [number, number][] = [];
    const announced: [number, number][] = [];
    const { keyframes, tracker } = stack(['left', 'left', 'left'], engine, {
      resumeKeyframe: (index, sample) => (asked.push([index, sample]), index === 1 ? saved : index === 2 ? createImage(W, H - 2) : null),
      onKeyframe: (index, _image, sample) => announced.push([index, sample]),
    });
    tracker.sample = 1;
    const made = await make(keyframes, 3);
    expect(asked).toEqual([[1, 1], [2, 1], [3, 1]]);
    expect(made[0]).toBe(saved);
    expect(keyframes.layers.find((l) => l.id === 1)?.image).toBe(saved);
    // Only the keyframes made now are announced: the saved one is already on disk.
    expect(announced).toEqual([[2, 1], [3, 1]]);
    expect(engine.seen).toHaveLength(2);
    expect(engine.seen[0]!.history[1]).toBe(saved);
  });

  it('counts and reports each keyframe made', async () => {
    const { keyframes, tracker, reports } = stack(['left', 'up'], greyEngine());
    await make(keyframes, 2);
    expect(tracker.keyframesDone).toBe(2);
    expect(reports.map((r) => [r.phase, r.keyframesDone, r.keyframesTotal])).toEqual([['keyframes', 1, 2], ['keyframes', 2, 2]]);
  });

  it('stops before the engine once the signal is aborted', async () => {
    const engine = greyEngine();
    const controller = new AbortController();
    controller.abort();
    const { keyframes } = stack(['left'], engine, { signal: controller.signal });
    await expect(keyframes.next()).rejects.toThrow(AbortError);
    expect(engine.seen).toHaveLength(0);
  });

  it('names the engine when it returns the wrong size', async () => {
    const tiny: OutpaintEngine = { name: 'tiny', outpaint: async () => createImage(2, 2) };
    const { keyframes } = stack(['left'], tiny);
    const err = await keyframes.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as Error).message).toMatch(/engine "tiny": returned 2×2, expected 96×64/);
  });
});
