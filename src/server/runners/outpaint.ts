import { join } from 'node:path';
import sharp from 'sharp';
import { decodeInput } from '../../image/load.js';
import { outpaint } from '../../render/outpaint.js';
import { readInput } from '../input-image.js';
import { INPUT_FIELD, MASK_FIELD } from '../jobs/fields.js';
import type { OutpaintJobSpec } from '../jobs/outpaint-request.js';
import type { JobRecord, JobRunner } from '../jobs/types.js';
import { outputName } from '../outputs.js';
import type { RunnerOptions } from './options.js';

/** A JobRunner for single outpaints, handed the spec the dispatcher already read from the job. */
export type OutpaintRun = (job: JobRecord, spec: OutpaintJobSpec, report: Parameters<JobRunner>[1], signal: AbortSignal) => ReturnType<JobRunner>;

/** Runs a single-outpaint job: `count` images `<id>-n.<ext>` in the generations directory. */
export function outpaintRunner(o: RunnerOptions): OutpaintRun {
  return async (job, spec, report, signal) => {
    const started = performance.now();
    // The one decoder (upright by EXIF, transparency kept) for the input and its mask alike.
    const { image: input, transparent } = await decodeInput(await readInput(o.inputsDir, job.request[INPUT_FIELD] as string));
    const maskName = job.request[MASK_FIELD];
    const mask = typeof maskName === 'string' ? (await decodeInput(await readInput(o.inputsDir, maskName), undefined, { fill: { width: input.width, height: input.height } })).image : null;
    const outputs: string[] = [];
    let size = { width: 0, height: 0 };
    for (let n = 0; n < spec.count; n++) {
      report({ frames: n, framesTotal: spec.count, keyframes: n, keyframesTotal: spec.count, etaSeconds: null });
      const result = await outpaint(input, {
        ...spec.placement,
        ...(mask ? { mask } : {}),
        transparent,
        engine: o.engine,
        prompt: spec.prompt,
        negativePrompt: spec.negativePrompt,
        seed: (spec.seed + n) >>> 0,
        steps: spec.steps,
        guidance: spec.guidance,
        signal,
      });
      const name = outputName(job.id, spec.format === 'jpeg' ? 'jpg' : spec.format, n);
      await sharp(result.image.data, { raw: { width: result.image.width, height: result.image.height, channels: 3 } }).toFormat(spec.format).toFile(join(o.generationsDir, name));
      outputs.push(name);
      size = { width: result.image.width, height: result.image.height };
    }
    return { outputs, meta: { ...size, seed: spec.seed, count: spec.count, format: spec.format, prompt: spec.prompt }, generationTime: (performance.now() - started) / 1000 };
  };
}
