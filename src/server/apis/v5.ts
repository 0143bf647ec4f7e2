import type { FastifyPluginCallback } from 'fastify';
import { ValidationError } from '../../errors.js';
import { isInlineImage } from '../../image/load.js';
import { getPreset } from '../../presets/shipped.js';
import { applyPreset } from '../../request/presets.js';
import { randomSeed } from '../../request/seed.js';
import { validateWalkRequest } from '../../request/validate.js';
import { keyOf, requireKey } from '../auth.js';
import { sendGenericError } from '../error-reply.js';
import { admitAudio, admitInput } from '../input-image.js';
import type { WalkRequest } from '../../request/walk-request.js';
import { AUDIO_FIELD, INPUT_FIELD, publicFields, WATERMARK_FIELD } from '../jobs/fields.js';
import { outputNames } from '../outputs.js';
import { v5Response } from '../responses.js';
import { checkUrl } from '../ssrf.js';
import { callerOf, visibleJob } from '../tenancy.js';
import { fileUrl } from '../urls.js';
import type { ApiContext } from './context.js';

/** POST /api/v5/outpaint and POST /api/v5/fetch/:id: the public walk contract; key in the body, x-key or Bearer. */
/** The request's audio (URL) and watermark (URL or inline), fetched through the SSRF guard and stored for the job. */
async function admitWalkFiles(request: WalkRequest, ctx: ApiContext): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  if (request.audio) {
    if (!/^https?:\/\//i.test(request.audio.source)) throw new ValidationError([{ path: 'audio', message: 'must be an http(s) URL' }]);
    checkUrl(request.audio.source, 'audio', ctx.allowPrivateUrls);
    files[AUDIO_FIELD] = await admitAudio(request.audio.source, ctx.runner.inputsDir, ctx.runner);
  }
  if (request.watermark) {
    const src = request.watermark.source;
    if (/^https?:\/\//i.test(src)) checkUrl(src, 'watermark', ctx.allowPrivateUrls);
    else if (!isInlineImage(src)) throw new ValidationError([{ path: 'watermark', message: 'must be an http(s) URL, a data:image URI or base64' }]);
    files[WATERMARK_FIELD] = await admitInput(src, ctx.runner.inputsDir, { ...ctx.runner, maxPixels: ctx.maxPixels }, 'watermark');
  }
  return files;
}

export const v5Api: FastifyPluginCallback<ApiContext> = (scope, ctx, done) => {
  requireKey(scope, ctx.auth, (req) => keyOf(req.headers, req.body), () => ({
    status: 'error',
    message: 'invalid or missing API key: send it as "key" in the body, an x-key header or Authorization: Bearer',
  }));
  scope.setErrorHandler((err, _req, reply) => sendGenericError(err, reply));

  scope.post('/api/v5/outpaint', async (req, reply) => {
    const body = applyPreset(req.body, getPreset) as Record<string, unknown>;
    const request = validateWalkRequest(body);
    if (request.engine !== null && !ctx.engines.includes(request.engine)) {
      throw new ValidationError([{ path: 'engine', message: `"${request.engine}" is not enabled on this server; enabled: ${ctx.engines.join(', ')}` }]);
    }
    // The server never reads its own files: images come by URL (checked here, and again on fetch) or inline.
    if (/^https?:\/\//i.test(request.image)) checkUrl(request.image, 'image', ctx.allowPrivateUrls);
    else if (!isInlineImage(request.image)) {
      throw new ValidationError([{ path: 'image', message: 'must be an http(s) URL, a data:image URI or base64' }]);
    }
    if (request.webhook) checkUrl(request.webhook, 'webhook', ctx.allowPrivateUrls);
    const input = await admitInput(request.image, ctx.runner.inputsDir, { ...ctx.runner, maxPixels: ctx.maxPixels });
    const files = await admitWalkFiles(request, ctx);
    // The key is not kept, and a client cannot set the server's own fields.
    const stored = publicFields(body);
    // A random seed is drawn now and stored, so a job resumed after a restart continues the same walk.
    const seed = request.seed ?? randomSeed();
    const job = await ctx.queue.submit({ ...stored, seed, [INPUT_FIELD]: input, ...files }, callerOf(req).owner);
    const base = ctx.base(req);
    const future = outputNames(job.id, request.outputFormat, request.samples).map((name) => fileUrl(base, name));
    const settled = request.outputFormat === 'png' ? await ctx.queue.waitFor(job.id, ctx.syncWaitMs) : job;
    return reply.send(v5Response(settled ?? job, base, future));
  });

  scope.post<{ Params: { id: string } }>('/api/v5/fetch/:id', async (req, reply) => {
    const job = await visibleJob(ctx.queue, req, req.params.id);
    if (!job) return reply.code(404).send({ status: 'error', id: req.params.id, message: `no job with id ${req.params.id}` });
    return reply.send(v5Response(job, ctx.base(req)));
  });
  done();
};
