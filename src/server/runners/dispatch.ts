import { outpaintSpec } from '../jobs/outpaint-request.js';
import type { JobRunner } from '../jobs/types.js';
import type { RunnerOptions } from './options.js';
import { outpaintRunner } from './outpaint.js';
import { walkRunner } from './walk.js';

/** The queue's runner: walk jobs and single outpaints share the queue; each record says which it is. */
export function jobRunner(o: RunnerOptions): JobRunner {
  const walk = walkRunner(o);
  const single = outpaintRunner(o);
  return (job, report, signal) => {
    const spec = outpaintSpec(job);
    return spec ? single(job, spec, report, signal) : walk(job, report, signal);
  };
}
