/**
 * How num_inference_steps (1–50) becomes work. Documented in docs/classical-engine.md:
 * - 1–3: quilting + colour correction only (fast preview).
 * - 4+: PatchMatch/EM refinement; EM iterations per scale = clamp(round(steps/8), 1, 5);
 *   scales = 1 below 8 steps, 2 from 8, 3 from 30 (arbitrary masks always get 2 more so the
 *   smooth first guess turns into texture).
 */
export interface Effort {
  refine: boolean;
  levels: number;
  emIters: number;
  pmIters: number;
  patchR: number;
}

/** Maps the request's num_inference_steps to refinement effort. */
export function effortFor(steps: number, generic = false): Effort {
  const s = Math.max(1, Math.min(50, Math.round(Number.isFinite(steps) ? steps : 20)));
  const levels = (s < 8 ? 1 : s < 30 ? 2 : 3) + (generic ? 2 : 0);
  return {
    refine: s >= 4 || generic,
    levels,
    emIters: Math.max(1, Math.min(5, Math.round(s / 8))),
    pmIters: 2,
    patchR: 3,
  };
}
