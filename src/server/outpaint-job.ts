import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../image/load.js';
import { outpaint } from '../render/outpaint.js';
import type { PlacementOptions } from '../request/outpaint-options.js';
import { INPUT_FIELD, readInput } from './input-image.js';
import type { JobRecord, JobRunner } from './jobs/types.js';
import type { RunnerOptions } from './runner.js';

/** Marks a stored job as a single outpaint (the other public formats) rather than a walk. */
export const KIND_FIELD = '_kind';
export const MASK_FIELD = '_mask';

/** A single outpaint as the format routes store it. */
export interface OutpaintJobSpec {
  readonly placement: PlacementOptions;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly seed: number;
  readonly steps: number;
  readonly guidance: number;
  readonly format: 'png' | 'jpeg' | 'webp';
  /** Outputs with seeds seed … seed+count−1. */
  readonly count: number;
}

/** The stored request body of a single-outpaint job. */
export function outpaintJobRequest(spec: OutpaintJobSpec, input: string, mask: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, [KIND_FIELD]: 'outpaint', [INPUT_FIELD]: input, ...(mask ? { [MASK_FIELD]: mask } : {}), spec };
}

/** True for jobs made by outpaintJobRequest. */
export function isOutpaintJob(job: JobRecord): boolean {
  return job.request[KIND_FIELD] === 'outpaint';
}

/** Runs a single-outpaint job: `count` images `<id>-n.<format>` in the generations directory. */
export function outpaintRunner(o: RunnerOptions): JobRunner {
  return async (job, report, signal) => {
    const spec = job.request['spec'] as OutpaintJobSpec;
    const started = performance.now();
    const input = await decodeImage(await readInput(o.inputsDir, job.request[INPUT_FIELD] as string));
    const maskName = job.request[MASK_FIELD];
    const mask = typeof maskName === 'string' ? await sharp(await readInput(o.inputsDir, maskName)).resize(input.width, input.height, { fit: 'fill' }).removeAlpha().raw().toBuffer() : null;
    const outputs: string[] = [];
    let size = { width: 0, height: 0 };
    for (let n = 0; n < spec.count; n++) {
      report({ frames: n, framesTotal: spec.count, keyframes: n, keyframesTotal: spec.count, etaSeconds: null });
      const result = await outpaint(input, {
        ...spec.placement,
        ...(mask ? { mask: { width: input.width, height: input.height, channels: 3 as const, data: new Uint8Array(mask) } } : {}),
        engine: o.engine,
        prompt: spec.prompt,
        negativePrompt: spec.negativePrompt,
        seed: (spec.seed + n) >>> 0,
        steps: spec.steps,
        guidance: spec.guidance,
        signal,
      });
      const name = `${job.id}-${n + 1}.${spec.format === 'jpeg' ? 'jpg' : spec.format}`;
      await sharp(result.image.data, { raw: { width: result.image.width, height: result.image.height, channels: 3 } }).toFormat(spec.format).toFile(join(o.generationsDir, name));
      outputs.push(name);
      size = { width: result.image.width, height: result.image.height };
    }
    return { outputs, meta: { ...size, seed: spec.seed, count: spec.count, format: spec.format, prompt: spec.prompt }, generationTime: (performance.now() - started) / 1000 };
  };
}
