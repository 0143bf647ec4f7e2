import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ValidationError, ZoomwalkError } from '../../errors.js';
import { parseOrThrow } from '../../request/issue-messages.js';
import { keyAllowed } from '../auth.js';
import { admitBytes } from '../input-image.js';
import type { JobRecord } from '../jobs/types.js';
import { requestImageBytes } from '../runner.js';
import { type FormatContext, outputUrls, readMultipart, seedOf, submitSingle } from './common.js';

const optInt = (min: number, max: number) => z.preprocess((v) => (v === undefined || v === '' ? undefined : Number(v)), z.number().int().min(min).max(max).optional());

/** Picsart-style expand: multipart image/image_url, optional mask/mask_url, count 1–10, format, sync or async. */
const schema = z.object({
  image_url: z.string().optional(),
  mask_url: z.string().optional(),
  prompt: z.string().default(''),
  negative_prompt: z.string().default(''),
  width: optInt(64, 2048),
  height: optInt(64, 2048),
  count: optInt(1, 10),
  seed: optInt(0, 4294967295),
  format: z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(['JPG', 'PNG', 'WEBP'])).default('JPG'),
  mode: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(['sync', 'async'])).default('sync'),
});

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
export function picsartRoutes(app: FastifyInstance, ctx: FormatContext): void {
  app.post('/v1/painting/expand', async (req, reply) => {
    const key = req.headers['x-picsart-api-key'];
    if (!keyAllowed(ctx.auth, typeof key === 'string' ? key : undefined)) return error(reply, 401, 'invalid or missing X-Picsart-API-Key header');
    try {
      if (!req.isMultipart()) throw new ValidationError([{ path: 'image', message: 'send multipart/form-data' }]);
      const { fields, files } = await readMultipart(req);
      const r = parseOrThrow(schema, fields);
      const imageBytes = files['image'] ?? (r.image_url ? await requestImageBytes(r.image_url, ctx.runner, undefined, 'image_url') : null);
      if (!imageBytes) throw new ValidationError([{ path: 'image', message: 'give an image file or image_url' }]);
      const maskBytes = files['mask'] ?? (r.mask_url ? await requestImageBytes(r.mask_url, ctx.runner, undefined, 'mask_url') : null);
      if (!maskBytes && (r.width === undefined || r.height === undefined)) throw new ValidationError([{ path: 'width', message: 'width and height are required without a mask' }]);
      const input = await admitBytes(imageBytes, ctx.runner.inputsDir, { maxPixels: ctx.maxPixels });
      const mask = maskBytes ? await admitBytes(maskBytes, ctx.runner.inputsDir, { maxPixels: ctx.maxPixels }, 'mask') : null;
      const format = r.format === 'JPG' ? 'jpeg' : r.format === 'PNG' ? 'png' : 'webp';
      const placement = mask ? {} : { width: r.width!, height: r.height! };
      const job = submitSingle(ctx, { placement, prompt: r.prompt, negativePrompt: r.negative_prompt, seed: seedOf(r.seed), steps: 20, guidance: 7.5, format, count: r.count ?? 1 }, input, mask);
      if (r.mode === 'async') return reply.code(202).send({ status: 'ACCEPTED', inference_id: job.id });
      const done = (await ctx.queue.waitFor(job.id, ctx.syncWaitMs)) ?? job;
      return reply.send(body(done, outputUrls(done, req)));
    } catch (err) {
      if (err instanceof ZoomwalkError && err.kind === 'validation') return error(reply, 400, err.message);
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/v1/painting/expand/inferences/:id', async (req, reply) => {
    const key = req.headers['x-picsart-api-key'];
    if (!keyAllowed(ctx.auth, typeof key === 'string' ? key : undefined)) return error(reply, 401, 'invalid or missing X-Picsart-API-Key header');
    const job = ctx.queue.get(req.params.id);
    if (!job) return error(reply, 404, `no inference ${req.params.id}`);
    return reply.send(body(job, outputUrls(job, req)));
  });
}
