import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ZoomwalkError } from '../../errors.js';
import { keyAllowed } from '../auth.js';
import { admitBytes } from '../input-image.js';
import type { JobRecord } from '../jobs/types.js';
import { requestImageBytes } from '../runner.js';
import { type FormatContext, outputUrls, seedOf, submitSingle } from './common.js';

/** BFL flux-tools outpainting: the input placed on a width×height canvas (centred, or at the reference offsets). */
const schema = z.object({
  input_image: z.string().min(1),
  width: z.number().int().min(64).max(2048),
  height: z.number().int().min(64).max(2048),
  reference_offset_x: z.number().int().optional(),
  reference_offset_y: z.number().int().optional(),
  auto_crop: z.boolean().default(false),
  prompt: z.string().default(''),
  seed: z.number().int().nullable().optional(),
  steps: z.number().int().min(1).max(50).default(20),
  output_format: z.enum(['jpeg', 'png']).default('jpeg'),
  safety_tolerance: z.number().int().min(0).max(6).default(2),
  mode: z.string().optional(),
});

/** BFL's validation error body: {detail: [{loc, msg, type}]}. */
function detail(items: { loc: (string | number)[]; msg: string; type: string }[]): { detail: typeof items } {
  return { detail: items };
}

function bflStatus(job: JobRecord): string {
  return job.status === 'success' ? 'Ready' : job.status === 'error' || job.status === 'cancelled' ? 'Error' : 'Pending';
}

/** POST /v1/flux-tools/outpainting-v1 (x-key) answering {id, polling_url}; GET /v1/get_result?id= serves the result. */
export function bflRoutes(app: FastifyInstance, ctx: FormatContext): void {
  app.post('/v1/flux-tools/outpainting-v1', async (req, reply) => {
    const key = req.headers['x-key'];
    if (!keyAllowed(ctx.auth, typeof key === 'string' ? key : undefined)) return reply.code(401).send({ detail: 'Invalid or missing x-key header' });
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(422).send(detail(parsed.error.issues.map((i) => ({ loc: ['body', ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))], msg: i.message, type: i.code }))));
    }
    const r = parsed.data;
    try {
      const bytes = await requestImageBytes(r.input_image, ctx.runner, undefined, 'input_image');
      const input = await admitBytes(bytes, ctx.runner.inputsDir, { maxPixels: ctx.maxPixels }, 'input_image');
      const placement = { width: r.width, height: r.height, ...(r.reference_offset_x !== undefined ? { offsetX: r.reference_offset_x } : {}), ...(r.reference_offset_y !== undefined ? { offsetY: r.reference_offset_y } : {}) };
      const job = submitSingle(ctx, { placement, prompt: r.prompt, negativePrompt: '', seed: seedOf(r.seed), steps: r.steps, guidance: 7.5, format: r.output_format, count: 1 }, input, null);
      return reply.send({ id: job.id, polling_url: `${req.protocol}://${req.host}/v1/get_result?id=${job.id}` });
    } catch (err) {
      if (err instanceof ZoomwalkError && err.kind === 'validation') return reply.code(422).send(detail([{ loc: ['body', 'input_image'], msg: err.message, type: 'value_error' }]));
      throw err;
    }
  });

  app.get<{ Querystring: { id?: string } }>('/v1/get_result', async (req, reply) => {
    const key = req.headers['x-key'];
    if (!keyAllowed(ctx.auth, typeof key === 'string' ? key : undefined)) return reply.code(401).send({ detail: 'Invalid or missing x-key header' });
    const job = req.query.id ? ctx.queue.get(req.query.id) : null;
    if (!job) return reply.code(404).send({ id: req.query.id ?? null, status: 'Task not found', result: null });
    const status = bflStatus(job);
    return reply.send({
      id: job.id,
      status,
      result: status === 'Ready' ? { sample: outputUrls(job, req)[0], seed: job.meta?.['seed'], width: job.meta?.['width'], height: job.meta?.['height'] } : null,
      progress: job.progress ? job.progress.keyframes / Math.max(1, job.progress.keyframesTotal) : null,
      ...(status === 'Error' ? { details: { error: job.error } } : {}),
    });
  });
}
