import type { Easing } from '../request/limits.js';

/** The easing curve e(t) on [0, 1]: e(0) = 0, e(1) = 1. */
export function ease(easing: Easing, t: number): number {
  switch (easing) {
    case 'linear':
      return t;
    case 'ease-in':
      return t * t * t;
    case 'ease-out':
      return 1 - (1 - t) ** 3;
    case 'ease-in-out':
      return t * t * (3 - 2 * t);
  }
}

/** e′(t): the camera's speed through the walk relative to a linear walk. */
export function easeSpeed(easing: Easing, t: number): number {
  switch (easing) {
    case 'linear':
      return 1;
    case 'ease-in':
      return 3 * t * t;
    case 'ease-out':
      return 3 * (1 - t) ** 2;
    case 'ease-in-out':
      return 6 * t * (1 - t);
  }
}

/**
 * Where output frame `f` of a walk's `frames` puts the camera: between keyframe `step` and
 * `step + 1`, fraction `t` ∈ (0, 1] along (step −1 is keyframe 0 itself). Progress through the
 * `steps` is p = steps · e(f / (frames − 1)) over the whole walk, so the zoom speeds up and slows
 * down once, not at every keyframe.
 */
export interface FramePosition {
  readonly step: number;
  readonly t: number;
}

/** Positions of every frame of a walk of `steps` steps × `perStep` frames (1 + steps·perStep frames). */
export function framePositions(steps: number, perStep: number, easing: Easing): FramePosition[] {
  const total = 1 + steps * perStep;
  const out: FramePosition[] = [{ step: -1, t: 0 }];
  for (let f = 1; f < total; f++) {
    if (easing === 'linear') {
      // Exactly today's cameras: step i, k / perStep (bit-identical frames for linear walks).
      const k = ((f - 1) % perStep) + 1;
      out.push({ step: (f - k) / perStep, t: k / perStep });
      continue;
    }
    const p = steps * ease(easing, f / (total - 1));
    const step = Math.min(steps - 1, Math.max(0, Math.ceil(p) - 1));
    out.push({ step, t: Math.min(1, Math.max(0, p - step)) });
  }
  return out;
}
