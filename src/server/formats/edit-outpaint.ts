import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ValidationError, ZoomwalkError } from '../../errors.js';
import { parseOrThrow } from '../../request/issue-messages.js';
import { keyAllowed, keyOf } from '../auth.js';
import { admitBytes } from '../input-image.js';
import { type FormatContext, outputUrls, readMultipart, seedOf, submitSingle } from './common.js';

const int = (min: number, max: number) => z.preprocess((v) => (v === undefined || v === '' ? undefined : Number(v)), z.number().int().min(min).max(max).optional());

/** Fields of POST /api/edit/outpaint (multipart), with its documented ranges. */
const schema = z.object({
  left: int(0, 2048),
  right: int(0, 2048),
  up: int(0, 2048),
  down: int(0, 2048),
  creativity: z.preprocess((v) => (v === undefined || v === '' ? undefined : Number(v)), z.number().min(0).max(1).optional()),
  prompt: z.string().default(''),
  seed: int(0, 4294967295),
  output_format: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase().replace('jpg', 'jpeg') : v), z.enum(['png', 'jpeg', 'webp'])).default('png'),
});

function fail(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).send({ code, message, data: null });
}

/** POST /api/edit/outpaint: multipart image + left/right/up/down px; answers {code, message, data} once the image is ready. */
export function editOutpaintRoutes(app: FastifyInstance, ctx: FormatContext): void {
  app.post('/api/edit/outpaint', async (req, reply) => {
    if (!keyAllowed(ctx.auth, keyOf(req.headers, null))) return fail(reply, 401, 'invalid or missing API key (Authorization: Bearer or x-key)');
    try {
      if (!req.isMultipart()) throw new ValidationError([{ path: 'image', message: 'send multipart/form-data with an image file' }]);
      const { fields, files } = await readMultipart(req);
      const r = parseOrThrow(schema, fields);
      const image = files['image'];
      if (!image) throw new ValidationError([{ path: 'image', message: 'is required (a file part)' }]);
      if (!r.left && !r.right && !r.up && !r.down) throw new ValidationError([{ path: 'left', message: 'at least one of left, right, up, down must be above 0' }]);
      const input = await admitBytes(image, ctx.runner.inputsDir, { maxPixels: ctx.maxPixels });
      // creativity 0–1 is the share of refinement effort: 0 = quick quilt, 1 = all 50 steps.
      const steps = Math.max(1, Math.round(4 + (r.creativity ?? 0.35) * 46));
      const seed = seedOf(r.seed);
      const job = submitSingle(ctx, { placement: { left: r.left ?? 0, right: r.right ?? 0, up: r.up ?? 0, down: r.down ?? 0 }, prompt: r.prompt, negativePrompt: '', seed, steps, guidance: 7.5, format: r.output_format, count: 1 }, input, null);
      const done = await ctx.queue.waitFor(job.id, ctx.syncWaitMs);
      if (!done || done.status === 'queued' || done.status === 'processing') return fail(reply, 504, `still rendering; job ${job.id}`);
      if (done.status !== 'success') return fail(reply, 500, done.error ?? done.status);
      return reply.send({ code: 200, message: 'success', data: { id: job.id, image_url: outputUrls(done, req)[0], seed, width: done.meta?.['width'], height: done.meta?.['height'] } });
    } catch (err) {
      if (err instanceof ZoomwalkError && err.kind === 'validation') return fail(reply, 422, err.message);
      throw err;
    }
  });
}
