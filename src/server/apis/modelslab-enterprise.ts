import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { parseOrThrow } from '../../request/issue-messages.js';
import { flag, int, num, numeric } from '../../request/zod-inputs.js';
import { requireBodyKey } from '../auth.js';
import { sendGenericError } from '../error-reply.js';
import { decodeInput, DEFAULT_LOAD_LIMITS } from '../../image/load.js';
import { encodePng } from '../../image/save.js';
import { admitBytes, checkInputImage, requestImageBytes } from '../input-image.js';
import { resolveAndCheck } from '../ssrf.js';
import type { JobRecord } from '../jobs/types.js';
import { v5Response } from '../responses.js';
import { visibleJob } from '../tenancy.js';
import { type ApiContext, seedOf, submitSingle } from './context.js';

/** ModelsLab enterprise outpaint: the image centred on a width×height canvas (documented limits). */
const schema = z.object({
  key: z.string().optional(),
  image: z.string().min(1),
  prompt: z.string().default('high quality'),
  negative_prompt: z.string().default('low quality'),
  width: int(64, 1440).default(1280),
  height: int(64, 1440).default(720),
  overlap_width: int(0, 42).default(10),
  num_inference_steps: int(1, 30).default(10),
  guidance_scale: num(0, 30).default(8),
  seed: z.preprocess(numeric, z.number().int().nullable()).optional(),
  base64: flag.default(false),
  temp: flag.default(true),
  webhook: z.string().url().nullable().optional(),
  track_id: z.union([z.string(), z.number()]).nullable().optional(),
});

/**
 * POST /api/v1/enterprise/image_editing/outpaint (+ fetch): ModelsLab's enterprise request and
 * response shapes (the v5 ones); key in the body's `key`; errors in the generic body.
 */
export const modelslabEnterpriseApi: FastifyPluginCallback<ApiContext> = (scope, ctx, done) => {
  requireBodyKey(scope, ctx.auth, ctx.bodyGate, 'invalid or missing API key ("key" in the body, x-key or Authorization: Bearer)');
  scope.setErrorHandler((err, _req, reply) => sendGenericError(err, reply));

  scope.post('/api/v1/enterprise/image_editing/outpaint', async (req, reply) => {
    const r = parseOrThrow(schema, req.body);
    if (r.webhook) await resolveAndCheck(r.webhook, 'webhook', ctx.allowPrivateUrls, ctx.runner.lookup);
    let bytes = await requestImageBytes(r.image, ctx.runner);
    const size = await checkInputImage(bytes, { maxPixels: ctx.maxPixels });
    // A picture larger than the canvas (upright, by its EXIF orientation) is scaled down to fit inside it, so there is something to outpaint.
    if (size.width > r.width || size.height > r.height) {
      const inside = { width: Math.max(1, r.width - 2 * r.overlap_width), height: Math.max(1, r.height - 2 * r.overlap_width) };
      bytes = await encodePng(await decodeInput(bytes, { ...DEFAULT_LOAD_LIMITS, maxPixels: ctx.maxPixels }, { inside }));
    }
    const input = await admitBytes(bytes, ctx.runner.inputsDir, { maxPixels: ctx.maxPixels });
    const seed = seedOf(r.seed);
    const job = await submitSingle(
      ctx,
      req,
      { placement: { width: r.width, height: r.height }, prompt: r.prompt, negativePrompt: r.negative_prompt, seed, steps: r.num_inference_steps, guidance: r.guidance_scale, format: 'png', count: 1 },
      input,
      null,
      { webhook: r.webhook ?? null, track_id: r.track_id ?? null, base64: r.base64 },
    );
    const settled = (await ctx.queue.waitFor(job.id, ctx.syncWaitMs)) ?? job;
    return reply.send(await enterpriseBody(settled, ctx.base(req), ctx.runner.generationsDir));
  });

  scope.post<{ Params: { id: string } }>('/api/v1/enterprise/image_editing/fetch/:id', async (req, reply) => {
    const job = await visibleJob(ctx.queue, req, req.params.id);
    if (!job) return reply.code(404).send({ status: 'error', message: `no job with id ${req.params.id}` });
    return reply.send(await enterpriseBody(job, ctx.base(req), ctx.runner.generationsDir));
  });
  done();
};

/** The v5 shapes, with `output` as base64 data URIs when the request asked for `base64: true`. */
async function enterpriseBody(job: JobRecord, base: string, generationsDir: string): Promise<Record<string, unknown>> {
  const body = v5Response(job, base);
  if (job.status === 'success' && job.request['base64'] === true) {
    body['output'] = await Promise.all(job.outputs.map(async (f) => `data:image/png;base64,${(await readFile(join(generationsDir, f))).toString('base64')}`));
  }
  return body;
}
