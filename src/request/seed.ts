import { randomInt } from 'node:crypto';

/** A fresh random seed in [0, 2³¹): used wherever a request leaves its seed open (the seed used is always reported). */
export function randomSeed(): number {
  return randomInt(0, 2 ** 31);
}
