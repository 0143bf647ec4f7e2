import { randomSeed } from '../../request/seed.js';
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { AuthConfig } from '../auth.js';
import type { JobQueue, JobRecord } from '../jobs/types.js';
import { outpaintJobRequest, type OutpaintJobSpec } from '../outpaint-job.js';
import { fileUrl } from '../responses.js';
import type { RunnerOptions } from '../runner.js';

/** What every single-outpaint format route needs from the server. */
export interface FormatContext {
  readonly queue: JobQueue;
  readonly runner: RunnerOptions;
  readonly auth: AuthConfig;
  readonly maxPixels: number;
  readonly syncWaitMs: number;
  readonly allowPrivateUrls: boolean;
}

/** A seed from a request field: absent, null, 0 or −1 mean "pick one" (and it is recorded). */
export function seedOf(v: number | null | undefined): number {
  return v === undefined || v === null || v <= 0 ? randomSeed() : v >>> 0;
}

/** Queues one single-outpaint job. */
export function submitSingle(ctx: FormatContext, spec: OutpaintJobSpec, input: string, mask: string | null, extra: Record<string, unknown> = {}): JobRecord {
  return ctx.queue.submit(outpaintJobRequest(spec, input, mask, extra));
}

/** Public URLs of a finished job's files. */
export function outputUrls(job: JobRecord, req: FastifyRequest): string[] {
  return job.outputs.map((f) => fileUrl(`${req.protocol}://${req.host}`, f));
}

/** The fields of a multipart request: text values, and file parts as buffers. */
export async function readMultipart(req: FastifyRequest): Promise<{ fields: Record<string, string>; files: Record<string, Buffer> }> {
  const fields: Record<string, string> = {};
  const files: Record<string, Buffer> = {};
  for await (const part of req.parts()) {
    if (part.type === 'file') files[part.fieldname] = await part.toBuffer();
    else fields[part.fieldname] = String(part.value);
  }
  return { fields, files };
}
