import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { parseOrThrow } from '../../request/issue-messages.js';
import { formInt, lowerCased, upperCased } from '../../request/zod-inputs.js';
import { headerKey, requireKey } from '../auth.js';
import { validationError } from '../error-reply.js';
import { admitBytes, discardInputs, requestImageBytes } from '../input-image.js';
import type { JobRecord } from '../jobs/types.js';
import { visibleJob } from '../tenancy.js';
import { type ApiContext, outputUrls, seedOf, submitSingle } from './context.js';
import { readMultipart } from './multipart.js';

/** Picsart-style expand: multipart image/image_url, optional mask/mask_url, count 1–10, format, sync or async. */
const schema = z.object({
  image_url: z.string().optional(),
  mask_url: z.string().optional(),
  prompt: z.string().default(''),
  negative_prompt: z.string().default(''),
  width: formInt(64, 2048),
  height: formInt(64, 2048),
  count: formInt(1, 10),
  seed: formInt(0, 4294967295),
  format: z.preprocess(upperCased, z.enum(['JPG', 'PNG', 'WEBP'])).default('JPG'),
  mode: z.preprocess(lowerCased, z.enum(['sync', 'async'])).default('sync'),
});

/** This API's error body: {detail, code}. */
function error(reply: FastifyReply, code: number, detail: string): FastifyReply {
  return reply.code(code).send({ detail, code });
}

function body(job: JobRecord, urls: string[]): Record<string, unknown> {
  if (job.status === 'success') return { status: 'success', data: urls.map((url, i) => ({ id: `${job.id}-${i + 1}`, url })) };
  if (job.status === 'queued' || job.status === 'processing') return { status: 'processing', inference_id: job.id };
  return { status: 'failed', inference_id: job.id, detail: job.error };
}

/**
 * POST /v1/painting/expand and GET /v1/painting/expand/inferences/:id (X-Picsart-API-Key):
 * with a mask, generate where it is white; without, place the image centred on width×height.
 */
export const picsartApi: FastifyPluginCallback<ApiContext> = (scope, ctx, done) => {
  requireKey(scope, ctx.auth, (req) => headerKey(req, 'x-picsart-api-key'), () => ({ detail: 'invalid or missing X-Picsart-API-Key header', code: 401 }));
  // The client's mistakes in this API's shape (a 400); anything else goes to the server's generic handler.
  scope.setErrorHandler((err, _req, reply) => {
    // Picsart answers every invalid parameter with 400; a body it cannot read is a 400 too.
    const client = validationError(err);
    if (client) return error(reply, client.status === 422 ? 400 : client.status, client.message);
    throw err;
  });

  scope.post('/v1/painting/expand', async (req, reply) => {
    if (!req.isMultipart()) throw new ValidationError([{ path: 'image', message: 'send multipart/form-data' }]);
    const { fields, files } = await readMultipart(req);
    const r = parseOrThrow(schema, fields);
    const imageBytes = files['image'] ?? (r.image_url ? await requestImageBytes(r.image_url, ctx.runner, undefined, 'image_url') : null);
    if (!imageBytes) throw new ValidationError([{ path: 'image', message: 'give an image file or image_url' }]);
    const maskBytes = files['mask'] ?? (r.mask_url ? await requestImageBytes(r.mask_url, ctx.runner, undefined, 'mask_url') : null);
    if (!maskBytes && (r.width === undefined || r.height === undefined)) throw new ValidationError([{ path: 'width', message: 'width and height are required without a mask' }]);
    const input = await admitBytes(imageBytes, ctx.runner.inputsDir, { maxPixels: ctx.maxPixels });
    const mask = maskBytes
      ? await admitBytes(maskBytes, ctx.runner.inputsDir, { maxPixels: ctx.maxPixels }, 'mask').catch((err: unknown) => {
          discardInputs(ctx.runner.inputsDir, input);
          throw err;
        })
      : null;
    const format = r.format === 'JPG' ? 'jpeg' : r.format === 'PNG' ? 'png' : 'webp';
    const placement = mask ? {} : { width: r.width!, height: r.height! };
    const job = await submitSingle(ctx, req, { placement, prompt: r.prompt, negativePrompt: r.negative_prompt, seed: seedOf(r.seed), steps: 20, guidance: 7.5, format, count: r.count ?? 1 }, input, mask);
    if (r.mode === 'async') return reply.code(202).send({ status: 'ACCEPTED', inference_id: job.id });
    const settled = (await ctx.queue.waitFor(job.id, ctx.syncWaitMs)) ?? job;
    return reply.send(body(settled, outputUrls(settled, ctx.base(req))));
  });

  scope.get<{ Params: { id: string } }>('/v1/painting/expand/inferences/:id', async (req, reply) => {
    const job = await visibleJob(ctx.queue, req, req.params.id);
    if (!job) return error(reply, 404, `no inference ${req.params.id}`);
    return reply.send(body(job, outputUrls(job, ctx.base(req))));
  });
  done();
};
