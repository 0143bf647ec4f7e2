import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { headerKey, requireKey } from '../auth.js';
import { validationError } from '../error-reply.js';
import { admitBytes, requestImageBytes } from '../input-image.js';
import type { JobRecord } from '../jobs/types.js';
import { visibleJob } from '../tenancy.js';
import { type ApiContext, outputUrls, seedOf, submitSingle } from './context.js';

/** BFL flux-tools outpainting: the input placed on a width×height canvas (centred, or at the reference offsets). */
const schema = z.object({
  input_image: z.string().min(1),
  width: z.number().int().min(64).max(2048),
  height: z.number().int().min(64).max(2048),
  reference_offset_x: z.number().int().min(-2048).max(2048).optional(),
  reference_offset_y: z.number().int().min(-2048).max(2048).optional(),
  auto_crop: z.boolean().default(false),
  prompt: z.string().default(''),
  seed: z.number().int().nullable().optional(),
  steps: z.number().int().min(1).max(50).default(20),
  output_format: z.enum(['jpeg', 'png']).default('jpeg'),
  safety_tolerance: z.number().int().min(0).max(6).default(2),
  mode: z.string().optional(),
});

/** One item of BFL's validation error body {detail: [{loc, msg, type}]}. */
interface DetailItem {
  readonly loc: (string | number)[];
  readonly msg: string;
  readonly type: string;
}

/** BFL's error items for a client's mistake: zod's own messages per field, one item per refused field, or one for the body; null otherwise. */
function detailItems(err: unknown): { status: number; detail: DetailItem[] } | null {
  if (err instanceof z.ZodError) return { status: 422, detail: err.issues.map((i) => ({ loc: ['body', ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))], msg: i.message, type: i.code })) };
  const client = validationError(err);
  if (!client) return null;
  const items = client.issues.length > 0 ? client.issues.map((i) => ({ loc: ['body', ...(i.path ? [i.path] : [])], msg: i.message, type: 'value_error' })) : [{ loc: ['body'], msg: client.message, type: 'value_error' }];
  return { status: client.status, detail: items };
}

function bflStatus(job: JobRecord): string {
  return job.status === 'success' ? 'Ready' : job.status === 'error' || job.status === 'cancelled' ? 'Error' : 'Pending';
}

/** POST /v1/flux-tools/outpainting-v1 (x-key) answering {id, polling_url}; GET /v1/get_result?id= serves the result. */
export const bflApi: FastifyPluginCallback<ApiContext> = (scope, ctx, done) => {
  requireKey(scope, ctx.auth, (req) => headerKey(req, 'x-key'), () => ({ detail: 'Invalid or missing x-key header' }));
  // Validation errors as 422 {detail: [...]}; anything else goes to the server's generic handler.
  scope.setErrorHandler((err, _req, reply) => {
    const items = detailItems(err);
    if (items) return reply.code(items.status).send({ detail: items.detail });
    throw err;
  });

  scope.post('/v1/flux-tools/outpainting-v1', async (req, reply) => {
    const r = schema.parse(req.body);
    const bytes = await requestImageBytes(r.input_image, ctx.runner, undefined, 'input_image');
    const input = await admitBytes(bytes, ctx.runner.inputsDir, { maxPixels: ctx.maxPixels }, 'input_image');
    const placement = { width: r.width, height: r.height, ...(r.reference_offset_x !== undefined ? { offsetX: r.reference_offset_x } : {}), ...(r.reference_offset_y !== undefined ? { offsetY: r.reference_offset_y } : {}) };
    const spec = { placement, prompt: r.prompt, negativePrompt: '', seed: seedOf(r.seed), steps: r.steps, guidance: 7.5, format: r.output_format, count: 1 };
    const job = await submitSingle(ctx, req, spec, input, null, {}, { offset_x: 'reference_offset_x', offset_y: 'reference_offset_y' });
    return reply.send({ id: job.id, polling_url: `${ctx.base(req)}/v1/get_result?id=${job.id}` });
  });

  scope.get<{ Querystring: { id?: string } }>('/v1/get_result', async (req, reply) => {
    const job = req.query.id ? await visibleJob(ctx.queue, req, req.query.id) : null;
    if (!job) return reply.code(404).send({ id: req.query.id ?? null, status: 'Task not found', result: null });
    const status = bflStatus(job);
    return reply.send({
      id: job.id,
      status,
      result: status === 'Ready' ? { sample: outputUrls(job, ctx.base(req))[0], seed: job.meta?.['seed'], width: job.meta?.['width'], height: job.meta?.['height'] } : null,
      progress: job.progress ? job.progress.keyframes / Math.max(1, job.progress.keyframesTotal) : null,
      ...(status === 'Error' ? { details: { error: job.error } } : {}),
    });
  });
  done();
};
