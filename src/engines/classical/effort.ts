/**
 * How num_inference_steps (1–50) becomes work. Documented in docs/classical-engine.md:
 * - 1–3: quilting + colour correction only (fast preview).
 * - 4+: PatchMatch/EM refinement; EM iterations per scale = clamp(round(steps/8), 1, 5);
 *   scales = 1 below 30 steps, 2 from 30 (arbitrary masks: 3 below 8, 4 from 8, 5 from 30, so
 *   the smooth first guess turns into texture).
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
  // Bands: a coarse scale changed no measure on the photos but, over chained zoom-outs, averaged
  // fine bright gaps (sky between branches) into blotches that later steps copied, so only 30+
  // steps add one. Arbitrary masks start from a smooth push-pull guess and need the coarse scales
  // to turn it into texture.
  const levels = generic ? (s < 8 ? 3 : s < 30 ? 4 : 5) : s < 30 ? 1 : 2;
  return {
    refine: s >= 4 || generic,
    levels,
    emIters: Math.max(1, Math.min(5, Math.round(s / 8))),
    pmIters: 2,
    patchR: 3,
  };
}
