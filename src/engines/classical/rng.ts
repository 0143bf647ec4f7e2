/** Small seeded PRNG (mulberry32): the engine never touches Math.random so output is reproducible. */
export type Rng = () => number;

/** Returns a generator of uniform floats in [0, 1) fully determined by `seed`. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent sub-seed so parallel jobs stay deterministic whatever order they run in. */
export function subSeed(seed: number, ...salt: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const s of salt) {
    h = Math.imul(h ^ (s >>> 0), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** Uniform integer in [lo, hi] (inclusive). */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}
