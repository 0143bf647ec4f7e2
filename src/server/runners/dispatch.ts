import { openJournal } from '../events/journal.js';
import { outpaintSpec } from '../jobs/outpaint-request.js';
import type { JobRunner } from '../jobs/types.js';
import type { RunnerOptions } from './options.js';
import { outpaintRunner } from './outpaint.js';
import { walkRunner } from './walk.js';

/**
 * The queue's runner: walk jobs and single outpaints share the queue; each record says which it
 * is. Every progress report also goes to the job's event journal (GET /api/jobs/:id/events).
 */
export function jobRunner(o: RunnerOptions): JobRunner {
  const walk = walkRunner(o);
  const single = outpaintRunner(o);
  return (job, report, signal) => {
    const journal = openJournal(o.checkpointsDir, job.id);
    const both: typeof report = (p) => {
      report(p);
      journal.progress(p);
    };
    const spec = outpaintSpec(job);
    return spec ? single(job, spec, both, signal) : walk(job, both, signal, journal);
  };
}
