/**
 * Per-step seeds. A walk's `seed` is one number or a list with one entry per step (null: that
 * step's default). The default keeps the formula keyframes were always made with, so a request
 * with a single seed renders the same frames as before lists existed.
 */

/** Step `stepIndex` (0-based)'s default seed for a walk seeded with `base`. */
export function defaultStepSeed(base: number, stepIndex: number): number {
  // Each step gets its own seed so repeated steps do not repeat the same fill.
  return (base + stepIndex * 7919) >>> 0;
}

/**
 * The seed step `stepIndex` of sample `sample` (whose seed is `sampleSeed`: base + sample) is
 * outpainted with: its own from the list, else the default. Samples shift every step's seed by
 * their number, own seeds included, so a list whose nulls are filled with defaultStepSeed renders
 * exactly as the list with nulls.
 */
export function stepSeed(sampleSeed: number, own: readonly (number | null)[] | null, stepIndex: number, sample: number): number {
  const seed = own?.[stepIndex];
  return seed === null || seed === undefined ? defaultStepSeed(sampleSeed, stepIndex) : (seed + sample) >>> 0;
}

/** The list with every null replaced by its default from `base`: what a server stores, so a resumed job uses the same seeds. */
export function fillStepSeeds(own: readonly (number | null)[], base: number): number[] {
  return own.map((s, i) => s ?? defaultStepSeed(base, i));
}
