import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { getPreset } from '../../presets/shipped.js';
import { parseOrThrow } from '../../request/issue-messages.js';
import { resolveRequest } from '../../request/resolve.js';
import { randomSeed } from '../../request/seed.js';
import { defaultStepSeed, fillStepSeeds } from '../../request/step-seeds.js';
import type { WalkRequest } from '../../request/walk-request.js';
import { keyOf, requireKey, type AuthConfig } from '../auth.js';
import { admitBytes } from '../input-image.js';
import { hasKeyframes, keptInput } from '../jobs/checkpoints.js';
import { INPUT_FIELD, publicFields, REDO_FIELD } from '../jobs/fields.js';
import { outpaintSpec } from '../jobs/outpaint-request.js';
import type { JobQueue, JobRecord } from '../jobs/types.js';
import { outputNames } from '../outputs.js';
import { v5Response } from '../responses.js';
import { visibleJob } from '../tenancy.js';
import { fileUrl, type BaseUrl } from '../urls.js';

/** What the redo route needs. */
export interface RedoOptions {
  readonly queue: JobQueue;
  readonly auth: AuthConfig;
  readonly checkpointsDir: string;
  readonly inputsDir: string;
  readonly maxPixels: number;
  readonly base: BaseUrl;
}

const redoBody = z.object({
  from_step: z.number().int().min(1),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  prompt: z.string().optional(),
});

/** The seed of every step of a stored walk request (the server stores a seed, or a filled list). */
function stepSeedsOf(request: WalkRequest, job: JobRecord): number[] {
  const base = request.seed ?? (typeof job.meta?.['seed'] === 'number' ? job.meta['seed'] : 0);
  return request.stepSeeds ? fillStepSeeds(request.stepSeeds, base) : request.walk.map((_, i) => defaultStepSeed(base, i));
}

/**
 * The request of a redo of `job` from step `k` (1-based): step k's seed and prompt changed (a seed
 * given wins; a prompt alone keeps the step's seed; neither draws a new seed), every other step as
 * it was, and where to start from.
 */
export function redoRequest(job: JobRecord, request: WalkRequest, k: number, change: { seed?: number | undefined; prompt?: string | undefined }, input: string): Record<string, unknown> {
  const seeds = stepSeedsOf(request, job);
  const prompts = [...request.prompts];
  seeds[k - 1] = change.seed ?? (change.prompt !== undefined ? seeds[k - 1]! : randomSeed());
  if (change.prompt !== undefined) prompts[k - 1] = change.prompt;
  const prompt = prompts.every((p) => p === prompts[0]) ? prompts[0] : prompts;
  return { ...publicFields(job.request), prompt, seed: seeds, [INPUT_FIELD]: input, [REDO_FIELD]: { job: job.id, step: k } };
}

/**
 * POST /api/jobs/:id/redo `{from_step, seed?, prompt?}`: a new job that re-runs a finished walk from
 * one step, starting from the first job's checkpointed keyframes before it (docs/studio.md). Key
 * in x-key or Authorization; the new job belongs to the first job's owner.
 */
export const redoRoutes: FastifyPluginCallback<RedoOptions> = (scope, o, done) => {
  requireKey(scope, o.auth, (req) => keyOf(req.headers, null), () => ({ status: 'error', message: 'invalid or missing API key' }));

  scope.post<{ Params: { id: string } }>('/api/jobs/:id/redo', async (req, reply) => {
    const job = await visibleJob(o.queue, req, req.params.id);
    if (!job) return reply.code(404).send({ status: 'error', message: `no job with id ${req.params.id}` });
    const body = parseOrThrow(redoBody, req.body ?? {});
    if (outpaintSpec(job)) return reply.code(409).send({ status: 'error', message: 'only a walk can be redone from a step' });
    if (job.status !== 'success') {
      const running = job.status === 'queued' || job.status === 'processing';
      return reply.code(409).send({ status: 'error', message: running ? 'the job is still running' : `the job ended as ${job.status}; only a finished walk keeps its keyframes` });
    }
    const request = resolveRequest(publicFields(job.request), getPreset);
    const k = body.from_step;
    if (k > request.walk.length) throw new ValidationError([{ path: 'from_step', message: `${k} is above the maximum ${request.walk.length} (the walk's steps)` }]);
    const input = keptInput(o.checkpointsDir, job.id);
    if (!input || !hasKeyframes(o.checkpointsDir, job.id, k - 1, request.samples)) {
      return reply.code(409).send({ status: 'error', message: 'the checkpoints of this job are gone; submit it again' });
    }
    const stored = await admitBytes(input, o.inputsDir, { maxPixels: o.maxPixels });
    const next = await o.queue.submit(redoRequest(job, request, k, body, stored.name), job.owner);
    const base = o.base(req);
    const future = outputNames(next.id, request.outputFormat, request.samples).map((name) => fileUrl(base, name));
    return reply.send({ ...v5Response(next, base, future), resumed_from_step: k });
  });
  done();
};
