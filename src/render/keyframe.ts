import { EngineError, throwIfAborted } from '../errors.js';
import { createImage, type RawImage } from '../image/raw.js';
import { restoreKnown } from '../engines/known-pixels.js';
import type { OutpaintEngine } from '../engines/types.js';
import type { Compositor } from '../frames/compose.js';
import type { Layer } from '../frames/layer.js';
import { maskArea, unknownMask } from '../walk/mask.js';
import type { WalkPlan } from '../walk/plan.js';

/** What a step's outpaint needs besides the plan. */
export interface KeyframeContext {
  readonly plan: WalkPlan;
  readonly engine: OutpaintEngine;
  readonly compositor: Compositor;
  /** This step's own seed (src/request/step-seeds.ts). */
  readonly seed: number;
  readonly inferenceSteps: number;
  readonly guidance: number;
  readonly overlap: number;
  readonly signal?: AbortSignal;
}

/**
 * Builds step i's keyframe: the known world rendered into the new viewport, the
 * engine's fill for the rest, and the known pixels pasted back so nothing the
 * viewer has seen changes (no colour drift, whatever the engine does to them).
 */
export async function buildKeyframe(ctx: KeyframeContext, layers: readonly Layer[], stepIndex: number, history: readonly RawImage[]): Promise<RawImage> {
  const { plan } = ctx;
  const step = plan.steps[stepIndex]!;
  const canvas = createImage(plan.width, plan.height);
  ctx.compositor.render(layers, step.to, canvas.data);
  // Known = covered by a layer still held, so the mask never promises pixels the canvas lacks.
  const mask = unknownMask(step.to, layers.map((l) => l.viewport), plan.width, plan.height);
  if (maskArea(mask) === 0) return canvas;
  throwIfAborted(ctx.signal);
  const result = await ctx.engine.outpaint(
    {
      image: canvas,
      mask,
      prompt: step.prompt,
      negativePrompt: step.negativePrompt,
      seed: ctx.seed,
      steps: ctx.inferenceSteps,
      guidance: ctx.guidance,
      overlap: ctx.overlap,
      history,
    },
    ctx.signal,
  );
  if (result.width !== plan.width || result.height !== plan.height || result.data.length !== plan.width * plan.height * 3) {
    throw new EngineError(ctx.engine.name, `returned ${result.width}×${result.height}, expected ${plan.width}×${plan.height}`);
  }
  return restoreKnown(result, canvas, mask);
}
