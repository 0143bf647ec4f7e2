import { randomSeed } from '../../request/seed.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors.js';
import { isInlineImage } from '../../image/load.js';
import { getPreset } from '../../presets/shipped.js';
import { applyPreset } from '../../request/presets.js';
import { samplePath } from '../../render/render.js';
import { validateWalkRequest } from '../../request/validate.js';
import { keyAllowed, keyOf, type AuthConfig } from '../auth.js';
import type { JobQueue } from '../jobs/types.js';
import { fileUrl, v5Response } from '../responses.js';
import { admitInput, INPUT_FIELD } from '../input-image.js';
import type { RunnerOptions } from '../runner.js';
import { checkUrl } from '../ssrf.js';

/** Server settings the v5 routes read. */
export interface V5Options {
  readonly auth: AuthConfig;
  readonly allowPrivateUrls: boolean;
  /** How long an image-only request (`as_video: "no"`) may be held open to answer `success` at once. */
  readonly syncWaitMs: number;
  readonly runner: RunnerOptions;
  readonly maxPixels: number;
  /** Engines a request may name in `engine` (the server's own engine is always allowed). */
  readonly engines: readonly string[];
}

/** The base URL clients reached this server at. */
export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

function unauthorized(): { status: string; message: string } {
  return { status: 'error', message: 'invalid or missing API key: send it as "key" in the body, an x-key header or Authorization: Bearer' };
}

/** POST /api/v5/outpaint and POST /api/v5/fetch/:id: the public walk contract. */
export function v5Routes(app: FastifyInstance, queue: JobQueue, o: V5Options): void {
  app.post('/api/v5/outpaint', async (req, reply) => {
    if (!keyAllowed(o.auth, keyOf(req.headers, req.body))) return reply.code(401).send(unauthorized());
    const body = applyPreset(req.body, getPreset) as Record<string, unknown>;
    const request = validateWalkRequest(body);
    if (request.engine !== null && !o.engines.includes(request.engine)) {
      throw new ValidationError([{ path: 'engine', message: `"${request.engine}" is not enabled on this server; enabled: ${o.engines.join(', ')}` }]);
    }
    // The server never reads its own files: images come by URL (checked here, and again on fetch) or inline.
    if (/^https?:\/\//i.test(request.image)) checkUrl(request.image, 'image', o.allowPrivateUrls);
    else if (!isInlineImage(request.image)) {
      throw new ValidationError([{ path: 'image', message: 'must be an http(s) URL, a data:image URI or base64' }]);
    }
    if (request.webhook) checkUrl(request.webhook, 'webhook', o.allowPrivateUrls);
    const input = await admitInput(request.image, o.runner.inputsDir, { ...o.runner, maxPixels: o.maxPixels });
    const { key: _key, ...stored } = body;
    // A random seed is drawn now and stored, so a job resumed after a restart continues the same walk.
    const seed = request.seed ?? randomSeed();
    const job = queue.submit({ ...stored, seed, [INPUT_FIELD]: input });
    const ext = request.outputFormat;
    const future = Array.from({ length: request.samples }, (_, i) => fileUrl(baseUrl(req), samplePath(`${job.id}.${ext}`, i, request.samples)));
    const settled = request.outputFormat === 'png' ? await queue.waitFor(job.id, o.syncWaitMs) : job;
    return reply.send(v5Response(settled ?? job, baseUrl(req), future));
  });

  app.post<{ Params: { id: string } }>('/api/v5/fetch/:id', async (req, reply) => {
    if (!keyAllowed(o.auth, keyOf(req.headers, req.body))) return reply.code(401).send(unauthorized());
    const job = queue.get(req.params.id);
    if (!job) return reply.code(404).send({ status: 'error', id: req.params.id, message: `no job with id ${req.params.id}` });
    return reply.send(v5Response(job, baseUrl(req)));
  });
}
