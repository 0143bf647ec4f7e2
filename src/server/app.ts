import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { sweepPartials } from '../video/encoder.js';
import { bflApi } from './apis/bfl.js';
import type { ApiContext } from './apis/context.js';
import { editOutpaintApi } from './apis/edit-outpaint.js';
import { modelslabEnterpriseApi } from './apis/modelslab-enterprise.js';
import { picsartApi } from './apis/picsart.js';
import { v5Api } from './apis/v5.js';
import { BodyGate } from './body-key.js';
import { sendGenericError } from './error-reply.js';
import { removeInputs } from './input-image.js';
import { EmbeddedJobQueue } from './jobs/embedded-queue.js';
import type { JobQueue } from './jobs/types.js';
import { applyLimits, DEFAULT_LIMITS, timeoutOptions } from './limits-plugin.js';
import type { ServerOptions } from './options.js';
import { v5Response } from './responses.js';
import { adminRoutes } from './routes/admin.js';
import { generationsRoutes } from './routes/generations.js';
import { jobRunner } from './runners/dispatch.js';
import type { RunnerOptions } from './runners/options.js';
import { gracefulShutdown } from './shutdown.js';
import { baseUrlFor } from './urls.js';
import { DEFAULT_WEBHOOK, deliverWebhook, type WebhookOptions } from './webhook.js';

export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './options.js';

/** Builds the HTTP server and its job queue (not yet listening). */
export function buildServer(options: ServerOptions): { app: FastifyInstance; queue: JobQueue } {
  const generationsDir = join(options.dataDir, 'generations');
  const inputsDir = join(options.dataDir, 'inputs');
  const checkpointsDir = join(options.dataDir, 'checkpoints');
  for (const d of [generationsDir, inputsDir, checkpointsDir]) mkdirSync(d, { recursive: true });
  // Partial videos of a process that died mid-encode: their jobs are queued again and re-encoded.
  sweepPartials(generationsDir);
  const runner: RunnerOptions = {
    generationsDir,
    inputsDir,
    checkpointsDir,
    engine: options.engine,
    allowPrivateUrls: options.allowPrivateUrls,
    maxImageBytes: options.maxImageBytes,
    fetchTimeoutMs: options.fetchTimeoutMs,
    ...(options.log ? { log: options.log } : {}),
    ...(options.fetchDispatcher ? { dispatcher: options.fetchDispatcher } : {}),
  };
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const app = Fastify({ bodyLimit: options.bodyLimitBytes, logger: false, ...timeoutOptions(limits) });
  const base = baseUrlFor(options.publicUrl, () => app.server);
  const hooks: WebhookOptions = { ...DEFAULT_WEBHOOK, ...options.webhook, allowPrivateUrls: options.allowPrivateUrls, ...(options.log ? { log: options.log } : {}) };
  const queue = gracefulShutdown(app, new EmbeddedJobQueue({
    dataDir: options.dataDir,
    concurrency: options.concurrency,
    run: jobRunner(runner),
    onFinished: (job) => {
      removeInputs(inputsDir, job);
      const url = job.request['webhook'];
      // Fire and forget: delivery retries for a minute and must never hold up the next render.
      if (typeof url === 'string' && url) void deliverWebhook(url, v5Response(job, base()), hooks);
    },
    ...(options.log ? { log: options.log } : {}),
  }), limits.shutdownGraceMs);
  app.setErrorHandler((err, _req, reply) => sendGenericError(err, reply));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ status: 'error', message: `no route ${req.method} ${req.url}` }));
  applyLimits(app, queue, limits);
  void app.register(multipart, { limits: { fileSize: options.maxImageBytes, files: 2 } });
  const engines = [...new Set([...(typeof options.engine === 'string' ? [options.engine] : []), ...(options.engines ?? [])])];
  const ctx: ApiContext = { queue, runner, auth: options.auth, bodyGate: new BodyGate(limits.unverifiedBodies, limits.unverifiedFreeBytes), maxPixels: options.maxImagePixels, syncWaitMs: options.syncWaitMs, allowPrivateUrls: options.allowPrivateUrls, engines, base };
  // Each public API is a plugin with its own key check and error bodies (see apis/).
  for (const api of [v5Api, modelslabEnterpriseApi, editOutpaintApi, bflApi, picsartApi]) void app.register(api, ctx);
  void app.register(generationsRoutes, { dir: generationsDir });
  void app.register(adminRoutes, { queue, auth: options.auth });
  app.get('/health', async () => ({ status: 'ok' }));
  return { app, queue };
}
