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
  for (let p = 0; p < job.width * job.height; p++) {
    if (!E[p]) continue;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.max(0, Math.min(255, Math.round(T[p * 3 + c]!)));
  }
  return out;
}
