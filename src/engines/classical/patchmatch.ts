/**
 * PatchMatch (Barnes et al. 2009) nearest-neighbour fields with Wexler-style EM voting (Wexler,
 * Shechtman & Irani 2007) over a small pyramid, applied to one crop of a view. It only changes
 * `editable` pixels, but target patches also sit on the known seam zone so the fill is pulled
 * towards agreeing with what it touches. Self-contained so it can run inside a worker. The scales
 * are built in patchmatch-pyramid.ts, the field searched in patchmatch-nnf.ts, and turned into pixels
 * in patchmatch-vote.ts.
 */
import { mulberry32 } from './rng.js';
import { initNnf, newNnf, patchMatchPass, upsampleNnf, type Nnf } from './patchmatch-nnf.js';
import { buildPyramid } from './patchmatch-pyramid.js';
import { bestVote, vote } from './patchmatch-vote.js';
import type { RefineJob } from './refine-job.js';

/** Runs the EM refinement and returns the crop's new RGB bytes. `check` may throw to cancel. */
export function refine(job: RefineJob, check: () => void = () => {}): Uint8Array {
  const r = job.patchR;
  const pyr = buildPyramid(job, r);
  let nnf: Nnf | null = null;
  const rng = mulberry32(job.seed);
  for (let li = pyr.length - 1; li >= 0; li--) {
    const L = pyr[li]!;
    const prev = nnf;
    nnf = newNnf(L);
    if (prev) {
      upsampleNnf(prev, pyr[li + 1]!, nnf, L, job, r, rng);
      vote(L, nnf, r);
    } else initNnf(nnf, L, job, r, rng);
    for (let it = 0; it < job.emIters; it++) {
      // A random start needs two extra passes to spread good matches; a start from quilting's sources does not.
      const pm = li === pyr.length - 1 && it === 0 && !job.seedMap ? job.pmIters + 2 : job.pmIters;
      for (let k = 0; k < pm; k++) {
        check();
        patchMatchPass(nnf, L, job, r, rng, (k & 1) === 1);
      }
      vote(L, nnf, r);
    }
  }
  // EM's averaged votes blur; the last word goes to each pixel's single best-matching patch,
  // which keeps the source's own detail (the seam step it may leave is corrected afterwards).
  if (nnf) bestVote(pyr[0]!, nnf, r);
  const out = job.image.slice();
  const T = pyr[0]!.T;
  const E = pyr[0]!.E;
  if (job.seedMap) keepLowPass(job, T, E);
  for (let p = 0; p < job.width * job.height; p++) {
    if (!E[p]) continue;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.max(0, Math.min(255, Math.round(T[p * 3 + c]!)));
  }
  return out;
}

/** Radius (px) of the window whose mean colour a zoned refinement keeps. */
const KEEP_R = 6;

/**
 * Zoned refinement (refine-zone.ts) edits thin zones inside quilted blocks whose colour quilting
 * shifted to match the known pixels; patches voted in come with their sources' own colour, which
 * drew each zone as a line of another tint across a plain sky. So the refined zone gets back the
 * local mean colour (over its own pixels) it had before: the texture is refinement's, the colour
 * stays the block's.
 */
function keepLowPass(job: RefineJob, T: Float32Array, E: Uint8Array): void {
  const { width: w, height: h, image } = job;
  const diff = new Float32Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    if (!E[p]) continue;
    for (let c = 0; c < 3; c++) diff[p * 3 + c] = image[p * 3 + c]! - T[p * 3 + c]!;
  }
  // Summed-area tables of the differences and of the editable count, (w+1)×(h+1).
  const W1 = w + 1;
  const sum = new Float64Array(W1 * (h + 1) * 3);
  const cnt = new Int32Array(W1 * (h + 1));
  for (let y = 0; y < h; y++) {
    let r0 = 0, r1 = 0, r2 = 0, rc = 0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      r0 += diff[p * 3]!;
      r1 += diff[p * 3 + 1]!;
      r2 += diff[p * 3 + 2]!;
      rc += E[p] ? 1 : 0;
      const o = (y + 1) * W1 + x + 1;
      const u = y * W1 + x + 1;
      sum[o * 3] = sum[u * 3]! + r0;
      sum[o * 3 + 1] = sum[u * 3 + 1]! + r1;
      sum[o * 3 + 2] = sum[u * 3 + 2]! + r2;
      cnt[o] = cnt[u]! + rc;
    }
  }
  for (let y = 0; y < h; y++) {
    const ya = Math.max(0, y - KEEP_R), yb = Math.min(h, y + KEEP_R + 1);
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (!E[p]) continue;
      const xa = Math.max(0, x - KEEP_R), xb = Math.min(w, x + KEEP_R + 1);
      const A = ya * W1 + xa, B = ya * W1 + xb, C = yb * W1 + xa, D = yb * W1 + xb;
      const n = cnt[D]! - cnt[B]! - cnt[C]! + cnt[A]!;
      for (let c = 0; c < 3; c++) T[p * 3 + c] = T[p * 3 + c]! + (sum[D * 3 + c]! - sum[B * 3 + c]! - sum[C * 3 + c]! + sum[A * 3 + c]!) / n;
    }
  }
}
