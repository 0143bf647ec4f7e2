import type { WalkType } from '../request/limits.js';
import type { WalkRequest } from '../request/walk-request.js';
import { framePositions, type FramePosition } from './easing.js';
import { rectInView, viewportRect, type Rect, type Viewport } from './geometry.js';

/** One outpaint step of the walk. */
export interface PlannedStep {
  readonly index: number;
  readonly kind: WalkType;
  /** Effective translation in px of the current view (both used by backward). */
  readonly translation: { readonly x: number; readonly y: number };
  /** Backward shrink factor s (1 for pans). */
  readonly shrink: number;
  readonly from: Viewport;
  readonly to: Viewport;
  /** The previous view's placement in the new keyframe's pixel coordinates (fractional for backward). */
  readonly known: Rect;
  readonly prompt: string;
  readonly negativePrompt: string;
}

/** The whole walk: keyframe viewports and the frame timeline. */
export interface WalkPlan {
  readonly width: number;
  readonly height: number;
  /** viewports[0] is the input image; viewports[i+1] is step i's keyframe. */
  readonly viewports: readonly Viewport[];
  readonly steps: readonly PlannedStep[];
  readonly interpolationSteps: number;
  readonly fps: number;
  /** The camera of each walk frame, in play order before `reverse` (1 + steps × interpolationSteps, one fewer for a loop). */
  readonly frames: readonly FramePosition[];
  /** A seamless loop: the last keyframe is the input image and the frame after the last is frame 0. */
  readonly loop: boolean;
  /** Copies of the first and last frame, in frames. */
  readonly holdStartFrames: number;
  readonly holdEndFrames: number;
  /** Frames of the video: the walk's frames plus the holds. */
  readonly totalFrames: number;
}

/** What planWalk reads of a request; the motion fields default to a plain linear walk. */
export type PlanInput = Pick<WalkRequest, 'width' | 'height' | 'walk' | 'translation' | 'interpolationSteps' | 'fps' | 'prompts'> &
  Partial<Pick<WalkRequest, 'negativePrompts' | 'easing' | 'loop' | 'holdStart' | 'holdEnd'>>;

/** Backward shrink factor: uniform, so content is never stretched. */
export function shrinkFactor(tx: number, ty: number, width: number, height: number): number {
  return 1 - 2 * Math.max(tx / width, ty / height);
}

function nextViewport(v: Viewport, kind: WalkType, tx: number, ty: number, s: number, width: number, height: number): Viewport {
  switch (kind) {
    case 'left':
      return { ...v, x: v.x - tx * v.scale };
    case 'right':
      return { ...v, x: v.x + tx * v.scale };
    case 'up':
      return { ...v, y: v.y - ty * v.scale };
    case 'down':
      return { ...v, y: v.y + ty * v.scale };
    case 'backward': {
      const scale = v.scale / s;
      const cx = v.x + (width * v.scale) / 2;
      const cy = v.y + (height * v.scale) / 2;
      return { x: cx - (width * scale) / 2, y: cy - (height * scale) / 2, scale };
    }
  }
}

/** Plans a validated request: a pure function of its geometry and timing fields. */
export function planWalk(req: PlanInput): WalkPlan {
  const { width, height } = req;
  const viewports: Viewport[] = [{ x: 0, y: 0, scale: 1 }];
  const steps: PlannedStep[] = [];
  req.walk.forEach((kind, index) => {
    const from = viewports[viewports.length - 1]!;
    const tx = kind === 'up' || kind === 'down' ? 0 : req.translation.x;
    const ty = kind === 'left' || kind === 'right' ? 0 : req.translation.y;
    const shrink = kind === 'backward' ? shrinkFactor(tx, ty, width, height) : 1;
    const to = nextViewport(from, kind, tx, ty, shrink, width, height);
    viewports.push(to);
    steps.push({
      index,
      kind,
      translation: { x: tx, y: ty },
      shrink,
      from,
      to,
      known: rectInView(viewportRect(from, width, height), to),
      prompt: req.prompts[index] ?? '',
      negativePrompt: req.negativePrompts?.[index] ?? '',
    });
  });
  const loop = req.loop ?? false;
  const all = framePositions(steps.length, req.interpolationSteps, req.easing ?? 'linear');
  // A loop's last frame would be keyframe n, which is the input image: frame 0 again.
  const frames = loop ? all.slice(0, -1) : all;
  const holdStartFrames = Math.round((req.holdStart ?? 0) * req.fps);
  const holdEndFrames = Math.round((req.holdEnd ?? 0) * req.fps);
  return {
    width,
    height,
    viewports,
    steps,
    interpolationSteps: req.interpolationSteps,
    fps: req.fps,
    frames,
    loop,
    holdStartFrames,
    holdEndFrames,
    totalFrames: holdStartFrames + frames.length + holdEndFrames,
  };
}
