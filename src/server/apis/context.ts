import type { AuthConfig } from '../auth.js';
import type { BodyGate } from '../body-key.js';
import { outpaintJobRequest, type OutpaintJobSpec } from '../jobs/outpaint-request.js';
import type { JobQueue, JobRecord } from '../jobs/types.js';
import type { RunnerOptions } from '../runners/options.js';
import { randomSeed } from '../../request/seed.js';
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

/** Queues one single-outpaint job; `extra` holds the public fields stored with it. */
export function submitSingle(ctx: ApiContext, spec: OutpaintJobSpec, input: string, mask: string | null, extra: Record<string, unknown> = {}): Promise<JobRecord> {
  return ctx.queue.submit(outpaintJobRequest(spec, input, mask, extra));
}

/** Public URLs of a finished job's files. */
export function outputUrls(job: JobRecord, base: string): string[] {
  return job.outputs.map((f) => fileUrl(base, f));
}
