import type { FastifyPluginCallback } from 'fastify';
import { ValidationError } from '../../errors.js';
import { checkEngineOptions } from '../../engines/registry.js';
import { decodeInput, DEFAULT_LOAD_LIMITS, isInlineImage } from '../../image/load.js';
import { getPreset } from '../../presets/shipped.js';
import { applyPreset } from '../../request/presets.js';
import { randomSeed } from '../../request/seed.js';
import { fillStepSeeds } from '../../request/step-seeds.js';
import { validateWalkRequest } from '../../request/validate.js';
import { requireBodyKey } from '../auth.js';
import { sendGenericError } from '../error-reply.js';
import { type AdmittedImage, admitAudio, admitInput, discardInputs, readInput } from '../input-image.js';
import type { WalkRequest } from '../../request/walk-request.js';
import { AUDIO_FIELD, INPUT_FIELD, publicFields, WATERMARK_FIELD } from '../jobs/fields.js';
import { outputNames } from '../outputs.js';
import { v5Response } from '../responses.js';
import { checkUrl, resolveAndCheck } from '../ssrf.js';
import { callerOf, visibleJob } from '../tenancy.js';
import { fileUrl } from '../urls.js';
import type { ApiContext } from './context.js';

/** Refuses a walk whose input, cover-fitted as the render will fit it, is transparent everywhere (its first keyframe would have nothing known). */
async function checkNotAllTransparent(input: AdmittedImage, width: number, height: number, ctx: ApiContext): Promise<void> {
  const decoded = await decodeInput(await readInput(ctx.runner.inputsDir, input.name), { ...DEFAULT_LOAD_LIMITS, maxPixels: ctx.maxPixels }, { cover: { width, height } });
  if (decoded.transparent && !decoded.transparent.includes(0)) {
    discardInputs(ctx.runner.inputsDir, input);
    throw new ValidationError([{ path: 'image', message: 'is transparent everywhere; nothing is left to outpaint from' }]);
  }
}

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
    files[WATERMARK_FIELD] = (await admitInput(src, ctx.runner.inputsDir, { ...ctx.runner, maxPixels: ctx.maxPixels }, 'watermark')).name;
  }
  return files;
}

/** POST /api/v5/outpaint and POST /api/v5/fetch/:id: the public walk contract; key in the body, x-key or Bearer. */
export const v5Api: FastifyPluginCallback<ApiContext> = (scope, ctx, done) => {
  requireBodyKey(scope, ctx.auth, ctx.bodyGate, 'invalid or missing API key: send it as "key" in the body, an x-key header or Authorization: Bearer');
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
    // The walk's engine takes only the engine_options it declares (never size, steps or batch size).
    checkEngineOptions(request.engine ?? (typeof ctx.runner.engine === 'string' ? ctx.runner.engine : ctx.runner.engine.name), request.engineOptions);
    if (request.webhook) await resolveAndCheck(request.webhook, 'webhook', ctx.allowPrivateUrls, ctx.runner.lookup);
    const input = await admitInput(request.image, ctx.runner.inputsDir, { ...ctx.runner, maxPixels: ctx.maxPixels });
    if (input.hasAlpha) await checkNotAllTransparent(input, request.width, request.height, ctx);
    const files = await admitWalkFiles(request, ctx);
    // The key is not kept, and a client cannot set the server's own fields.
    const stored = publicFields(body);
    // A random seed is drawn now and stored, so a job resumed after a restart continues the same walk.
    // A seed list is stored with its nulls filled from that seed (step-seeds.ts).
    const seed = request.stepSeeds ? fillStepSeeds(request.stepSeeds, randomSeed()) : (request.seed ?? randomSeed());
    const job = await ctx.queue.submit({ ...stored, seed, [INPUT_FIELD]: input.name, ...files }, callerOf(req).owner, idempotency(req.headers['idempotency-key']));
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

/** The `Idempotency-Key` header (1–200 visible ASCII characters): a repeat with the same key returns the same job. */
function idempotency(header: string | string[] | undefined): { idempotencyKey?: string } {
  if (header === undefined) return {};
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(header)) throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be one header of 1 to 200 visible ASCII characters' }]);
  return { idempotencyKey: header };
}
