import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors.js';
import { decodeInput, DEFAULT_LOAD_LIMITS } from '../../image/load.js';
import { outpaintCanvas } from '../../render/outpaint.js';
import { placeOnCanvas } from '../../request/outpaint-options.js';
import type { AuthConfig } from '../auth.js';
import { type AdmittedImage, discardInputs, readInput } from '../input-image.js';
import type { BodyGate } from '../body-key.js';
import { outpaintJobRequest, type OutpaintJobSpec } from '../jobs/outpaint-request.js';
import type { JobQueue, JobRecord } from '../jobs/types.js';
import type { RunnerOptions } from '../runners/options.js';
import { randomSeed } from '../../request/seed.js';
import { callerOf } from '../tenancy.js';
import { fileUrl, type BaseUrl } from '../urls.js';

/** What every API plugin gets from the server (its Fastify plugin options). */
export interface ApiContext {
  readonly queue: JobQueue;
  readonly runner: RunnerOptions;
  readonly auth: AuthConfig;
  /** Slots for bodies whose key is not known yet (see requireBodyKey in auth.ts). */
  readonly bodyGate: BodyGate;
  readonly maxPixels: number;
  /** How long a synchronous answer may hold the request open for its job. */
  readonly syncWaitMs: number;
  readonly allowPrivateUrls: boolean;
  /** Engines a v5 request may name in `engine` (the server's own engine is always allowed). */
  readonly engines: readonly string[];
  readonly base: BaseUrl;
}

/** A seed from a request field: absent, null, 0 or −1 mean "pick one" (and it is recorded). */
export function seedOf(v: number | null | undefined): number {
  return v === undefined || v === null || v <= 0 ? randomSeed() : v >>> 0;
}

/**
 * Queues one single-outpaint job, owned by the request's caller, once its canvas is known to be valid for the admitted image (a
 * 4xx now, not a failed job later); `fields` renames the placement's fields to the API's own
 * (`offset_x` → `reference_offset_x`); `extra` holds the public fields stored with it.
 */
export async function submitSingle(ctx: ApiContext, req: FastifyRequest, spec: OutpaintJobSpec, input: AdmittedImage, mask: AdmittedImage | null, extra: Record<string, unknown> = {}, fields: Record<string, string> = {}): Promise<JobRecord> {
  try {
    if (!mask) placeOnCanvas(input.width, input.height, spec.placement);
    // A mask or transparency may leave nothing known: the runner's own canvas, built now, says so.
    if (mask || input.hasAlpha) await checkSomethingKnown(ctx, spec, input, mask);
  } catch (err) {
    discardInputs(ctx.runner.inputsDir, input, mask);
    if (!(err instanceof ValidationError)) throw err;
    throw new ValidationError(err.issues.map((i) => ({ path: fields[i.path] ?? i.path, message: i.message })));
  }
  return ctx.queue.submit(outpaintJobRequest(spec, input.name, mask?.name ?? null, extra), callerOf(req).owner);
}

/** Refuses a single outpaint whose mask and transparent pixels together cover the whole canvas, as the job would. */
async function checkSomethingKnown(ctx: ApiContext, spec: OutpaintJobSpec, input: AdmittedImage, mask: AdmittedImage | null): Promise<void> {
  const limits = { ...DEFAULT_LOAD_LIMITS, maxPixels: ctx.maxPixels };
  const decoded = await decodeInput(await readInput(ctx.runner.inputsDir, input.name), limits);
  const m = mask ? (await decodeInput(await readInput(ctx.runner.inputsDir, mask.name), limits, { fill: { width: input.width, height: input.height } })).image : undefined;
  const canvas = outpaintCanvas(decoded.image, { ...spec.placement, ...(m ? { mask: m } : {}), transparent: decoded.transparent });
  if (!canvas.mask.includes(0)) throw new ValidationError([{ path: mask ? 'mask' : 'image', message: 'with its transparent pixels, leaves nothing known to outpaint from' }]);
}

/** Public URLs of a finished job's files. */
export function outputUrls(job: JobRecord, base: string): string[] {
  return job.outputs.map((f) => fileUrl(base, f));
}
