import type { Layer } from '../frames/layer.js';
import type { RawImage } from '../image/raw.js';
import { interpolateViewport, type Viewport } from '../walk/geometry.js';
import type { WalkPlan } from '../walk/plan.js';

/**
 * Draws and encodes one frame: the camera between viewports `step` and `step + 1`, `k` of the
 * plan's interpolation steps along; step -1 is the first keyframe as it is.
 */
export type EmitFrame = (layers: readonly Layer[], step: number, k: number) => Promise<void>;

/** The keyframes a timeline plays: made one at a time, the current layer stack after each. */
export interface KeyframeSource {
  readonly first: Layer;
  readonly layers: readonly Layer[];
  next(): Promise<RawImage>;
}

/** What look-ahead asks of the encoder: hand ffmpeg every frame so far, and whether it has a backlog. */
export interface EncoderBacklog {
  flush(): void;
  readonly wellFed: boolean;
}

/** The camera of frame (`step`, `k`) of a timeline (see EmitFrame). */
export function frameCamera(plan: WalkPlan, step: number, k: number): Viewport {
  return step < 0 ? plan.viewports[0]! : interpolateViewport(plan.viewports[step]!, plan.viewports[step + 1]!, k / plan.interpolationSteps, plan.width, plan.height);
}

/**
 * Plays the walk forwards: the first keyframe, then each step's frames. One keyframe ahead: step
 * i+1 is outpainted while step i's frames stream. It starts once ffmpeg has a backlog of frames,
 * so an engine that works on this thread (mirror, part of classical) runs while ffmpeg encodes
 * that backlog; one that works elsewhere (workers, a server) has nearly the whole step.
 */
export async function playForward(plan: WalkPlan, keyframes: KeyframeSource, encoder: EncoderBacklog, emit: EmitFrame): Promise<void> {
  await emit(keyframes.layers, -1, 0);
  let pending: Promise<RawImage> | null = null;
  let made = 0;
  const startNext = (): void => {
    if (pending || made >= plan.steps.length) return;
    made++;
    // The engine may hold this thread for a while: ffmpeg gets every frame made so far.
    encoder.flush();
    pending = keyframes.next();
    // Rejections surface where it is awaited; until then this keeps them from being unhandled.
    pending.catch(() => undefined);
  };
  for (let i = 0; i < plan.steps.length; i++) {
    startNext();
    await pending;
    pending = null;
    const layers = keyframes.layers;
    for (let k = 1; k <= plan.interpolationSteps; k++) {
      await emit(layers, i, k);
      if (encoder.wellFed) startNext();
    }
  }
}

/** Plays the walk backwards: every keyframe first, then the same frames in reverse order. */
export async function playReverse(plan: WalkPlan, keyframes: KeyframeSource, emit: EmitFrame): Promise<void> {
  const all: Layer[][] = [];
  for (let i = 0; i < plan.steps.length; i++) {
    await keyframes.next();
    all.push([...keyframes.layers]);
  }
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    for (let k = plan.interpolationSteps; k >= 1; k--) await emit(all[i]!, i, k);
  }
  await emit([keyframes.first], -1, 0);
}

/** Keyframes of a still image: every step made in order; the last one is the picture. */
export async function lastKeyframe(plan: WalkPlan, keyframes: KeyframeSource, input: RawImage): Promise<RawImage> {
  let last = input;
  for (let i = 0; i < plan.steps.length; i++) last = await keyframes.next();
  return last;
}
