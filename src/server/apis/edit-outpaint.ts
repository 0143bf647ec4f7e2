import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../../errors.js';
import { parseOrThrow } from '../../request/issue-messages.js';
import { formInt, formNum } from '../../request/zod-inputs.js';
import { keyOf, requireKey } from '../auth.js';
import { validationError } from '../error-reply.js';
import { admitBytes } from '../input-image.js';
import { type ApiContext, outputUrls, seedOf, submitSingle } from './context.js';
import { readMultipart } from './multipart.js';

/** Fields of POST /api/edit/outpaint (multipart), with its documented ranges. */
const schema = z.object({
  left: formInt(0, 2048),
  right: formInt(0, 2048),
  up: formInt(0, 2048),
  down: formInt(0, 2048),
  creativity: formNum(0, 1),
  prompt: z.string().default(''),
  seed: formInt(0, 4294967295),
  output_format: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase().replace('jpg', 'jpeg') : v), z.enum(['png', 'jpeg', 'webp'])).default('png'),
});

/** This API's body for every answer but success: {code, message, data: null}. */
function fail(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).send({ code, message, data: null });
}

/**
 * POST /api/edit/outpaint: multipart image + left/right/up/down px; answers {code, message, data}
 * once the image is ready. Key as Bearer or x-key.
 */
export const editOutpaintApi: FastifyPluginCallback<ApiContext> = (scope, ctx, done) => {
  requireKey(scope, ctx.auth, (req) => keyOf(req.headers, null), () => ({ code: 401, message: 'invalid or missing API key (Authorization: Bearer or x-key)', data: null }));
  // The client's mistakes in this API's shape; anything else goes to the server's generic handler.
  scope.setErrorHandler((err, _req, reply) => {
    const client = validationError(err);
    if (client) return fail(reply, client.status, client.message);
    throw err;
  });

  scope.post('/api/edit/outpaint', async (req, reply) => {
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
    const spec = { placement: { left: r.left ?? 0, right: r.right ?? 0, up: r.up ?? 0, down: r.down ?? 0 }, prompt: r.prompt, negativePrompt: '', seed, steps, guidance: 7.5, format: r.output_format, count: 1 };
    const job = await submitSingle(ctx, req, spec, input, null, {}, { width: 'left/right', height: 'up/down' });
    const settled = await ctx.queue.waitFor(job.id, ctx.syncWaitMs);
    if (!settled || settled.status === 'queued' || settled.status === 'processing') return fail(reply, 504, `still rendering; job ${job.id}`);
    if (settled.status !== 'success') return fail(reply, 500, settled.error ?? settled.status);
    return reply.send({ code: 200, message: 'success', data: { id: job.id, image_url: outputUrls(settled, ctx.base(req))[0], seed, width: settled.meta?.['width'], height: settled.meta?.['height'] } });
  });
  done();
};
