/**
 * `classical`: the embedded default outpainting engine — strip quilting for structure, PatchMatch/EM
 * refinement for seams and detail, colour correction at the seam; no weights, no network.
 */
import { availableParallelism } from 'node:os';
import { AbortError, EngineError, throwIfAborted } from '../../errors.js';
import type { RawImage } from '../../image/raw.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from '../types.js';
import { classicalFill, type JobRunner } from './fill.js';
import { runJob } from './band-job.js';
import { RefinePool } from './pool.js';

export interface ClassicalOptions {
  /** Worker threads for refinement; 0 runs everything on the calling thread. Default: min(2, cores). */
  threads?: number;
  /** Today's method before issue 15 (whole-band refinement, full membrane), for the bench's comparison. */
  legacy?: boolean;
}

/** Creates the classical engine; its worker pool starts on first use and stops on close(). */
export function createClassicalEngine(options: ClassicalOptions = {}): OutpaintEngine {
  const threads = Math.max(0, Math.floor(options.threads ?? Math.min(2, availableParallelism())));
  let pool: RefinePool | null = null;
  return {
    name: 'classical',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      validate(task);
      const check = (): void => throwIfAborted(signal);
      const run: JobRunner =
        threads === 0
          ? async (jobs) => {
              const out: Uint8Array[] = [];
              for (const job of jobs) {
                // Yield so an abort fired from a timer or event can be seen between jobs.
                await new Promise((r) => setImmediate(r));
                check();
                out.push(runJob(job, check));
              }
              return out;
            }
          : (jobs) => (pool ??= new RefinePool(threads)).run(jobs, signal);
      try {
        return await classicalFill(task, { run, check, parts: Math.max(1, threads), legacy: options.legacy === true });
      } catch (err) {
        if (err instanceof AbortError) throw err;
        throw new EngineError('classical', err instanceof Error ? err.message : String(err), { cause: err });
      }
    },
    async close(): Promise<void> {
      const p = pool;
      pool = null;
      await p?.close();
    },
  };
}

/** `classical` in the registry: reads `threads`. */
export const classicalEngine: EngineDefinition = {
  name: 'classical',
  create: (o) => createClassicalEngine(o.threads !== undefined ? { threads: o.threads } : {}),
};

function validate(task: OutpaintTask): void {
  const { width: w, height: h, data } = task.image;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) throw new EngineError('classical', `bad image size ${w}x${h}`);
  if (data.length !== w * h * 3) throw new EngineError('classical', `image data has ${data.length} bytes, expected ${w * h * 3}`);
  if (task.mask.length !== w * h) throw new EngineError('classical', `mask has ${task.mask.length} bytes, expected ${w * h}`);
}
