import type { Layer } from '../frames/layer.js';
import type { RawImage } from '../image/raw.js';
import { interpolateViewport, type Viewport } from '../walk/geometry.js';
import type { FramePosition } from '../walk/easing.js';
import type { WalkPlan } from '../walk/plan.js';

/**
 * Draws and encodes one frame: the camera between viewports `pos.step` and `pos.step + 1`,
 * fraction `pos.t` along; step -1 is the first keyframe as it is.
 */
export type EmitFrame = (layers: readonly Layer[], pos: FramePosition) => Promise<void>;

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

/** The camera of a frame position of a timeline (see EmitFrame). */
export function frameCamera(plan: WalkPlan, pos: FramePosition): Viewport {
  const { step, t } = pos;
  return step < 0 ? plan.viewports[0]! : interpolateViewport(plan.viewports[step]!, plan.viewports[step + 1]!, t, plan.width, plan.height);
}

/** The plan's frames grouped by the step they play in: byStep[i] for step i (empty when easing skips a step). */
function framesByStep(plan: WalkPlan): FramePosition[][] {
  const byStep: FramePosition[][] = plan.steps.map(() => []);
  for (const pos of plan.frames) if (pos.step >= 0) byStep[pos.step]!.push(pos);
  return byStep;
}

/**
 * Plays the walk forwards: the first keyframe, then each step's frames. One keyframe ahead: step
 * i+1 is outpainted while step i's frames stream. It starts once ffmpeg has a backlog of frames,
 * so an engine that works on this thread (mirror, part of classical) runs while ffmpeg encodes
 * that backlog; one that works elsewhere (workers, a server) has nearly the whole step.
 */
export async function playForward(plan: WalkPlan, keyframes: KeyframeSource, encoder: EncoderBacklog, emit: EmitFrame): Promise<void> {
  await emit(keyframes.layers, plan.frames[0]!);
  const byStep = framesByStep(plan);
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
    for (const pos of byStep[i]!) {
      await emit(layers, pos);
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
  const byStep = framesByStep(plan);
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const frames = byStep[i]!;
    for (let j = frames.length - 1; j >= 0; j--) await emit(all[i]!, frames[j]!);
  }
  await emit([keyframes.first], plan.frames[0]!);
}

/** Keyframes of a still image: every step made in order; the last one is the picture. */
export async function lastKeyframe(plan: WalkPlan, keyframes: KeyframeSource, input: RawImage): Promise<RawImage> {
  let last = input;
  for (let i = 0; i < plan.steps.length; i++) last = await keyframes.next();
  return last;
}
