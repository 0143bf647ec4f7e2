/**
 * A refinement job with its band's colour steps (RefineJob.band): the seam membrane, PatchMatch/EM
 * refinement, then the detail bound, the band colour and the membrane again, all on the crop, so a
 * worker does them and the main thread meanwhile quilts the next band. The steps read only the
 * band, the column right of it and a 16 px strip, all inside the crop, and every row of the band,
 * so they give the same bytes as on the whole view.
 */
import { limitDetail, matchBandColour } from './lowfreq.js';
import { seamMembrane } from './membrane.js';
import { refine } from './patchmatch.js';
import type { Raster } from './raster.js';
import type { RefineJob } from './refine-job.js';

/** Runs the job (and its band's colour steps when it has any) and returns the crop's new RGB bytes. */
export function runJob(job: RefineJob, check: () => void = () => {}): Uint8Array {
  const b = job.band;
  if (!b) return refine(job, check);
  const crop: Raster = { width: job.width, height: job.height, ch: 3, data: job.image.slice() };
  seamMembrane(crop, b.known, b.bw, 0, job.height, undefined, b.short);
  const out = refine({ ...job, image: crop.data }, check);
  // Only the band's columns are pasted back; what refinement changed right of them (a side band's
  // fill seen from a top band) stays as it was, as the colour steps' strip must see it.
  const W = job.width;
  for (let y = 0; y < job.height; y++) out.set(crop.data.subarray((y * W + b.bw) * 3, (y + 1) * W * 3), (y * W + b.bw) * 3);
  const res: Raster = { ...crop, data: out };
  limitDetail(res, b.known, b.bw, 0, job.height, b.fine);
  matchBandColour(res, b.known, b.bw, 0, job.height);
  seamMembrane(res, b.known, b.bw, 0, job.height, undefined, b.short);
  return out;
}
