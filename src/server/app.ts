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
import { acquireDataLock } from './data-lock.js';
import { releaseOnFailure } from './input-image.js';
import { directoryStore } from './jobs/artifact-store.js';
import { redisBackend } from './redis-backend.js';
import { ALL_FILES, type JobDirs, removeJobFiles, removeStoredInputs } from './jobs/cleanup.js';
import { limitJsonDepth } from './json-body.js';
import { EmbeddedJobQueue } from './jobs/embedded-queue.js';
import { OutboxStore } from './jobs/outbox-store.js';
import { SqliteJobStore } from './jobs/sqlite-store.js';
import type { JobQueue, JobRecord } from './jobs/types.js';
import { applyLimits, DEFAULT_LIMITS, timeoutOptions } from './limits-plugin.js';
import type { ServerOptions } from './options.js';
import { v5Response } from './responses.js';
import { adminRoutes } from './routes/admin.js';
import { eventsRoutes } from './routes/events.js';
import { redoRoutes } from './routes/redo.js';
import { generationsRoutes } from './routes/generations.js';
import { studioRoutes } from './routes/studio.js';
import { jobRunner } from './runners/dispatch.js';
import type { RunnerOptions } from './runners/options.js';
import { gracefulShutdown } from './shutdown.js';
import { baseUrlFor } from './urls.js';
import { DEFAULT_RETENTION_MS, startRetention } from './retention.js';
import { DEFAULT_WEBHOOK, type WebhookOptions } from './webhook.js';
import { WebhookOutbox } from './webhook-outbox.js';

export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './options.js';

/**
 * Builds the HTTP server and its job queue (not yet listening). Takes the data directory's lock
 * first: throws ZW_DATA_LOCKED while another server holds it; `app.close()` releases it.
 */
export function buildServer(options: ServerOptions): { app: FastifyInstance; queue: JobQueue } {
  // With Redis, several API instances and workers share the store: job state is not in it to lock.
  const releaseLock = options.queue ? () => undefined : acquireDataLock(options.dataDir);
  try {
    return buildLocked(options, releaseLock);
  } catch (err) {
    releaseLock();
    throw err;
  }
}

function buildLocked(options: ServerOptions, releaseLock: () => void): { app: FastifyInstance; queue: JobQueue } {
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
    ...(options.dnsLookup ? { lookup: options.dnsLookup } : {}),
  };
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const app = Fastify({ bodyLimit: options.bodyLimitBytes, logger: false, ...timeoutOptions(limits) });
  limitJsonDepth(app);
  const base = baseUrlFor(options.publicUrl, () => app.server);
  const hooks: WebhookOptions = { ...DEFAULT_WEBHOOK, ...options.webhook, allowPrivateUrls: options.allowPrivateUrls, ...(options.dnsLookup ? { lookup: options.dnsLookup } : {}), ...(options.log ? { log: options.log } : {}) };
  const dirs: JobDirs = { generationsDir, inputsDir, checkpointsDir };
  const redis = options.queue ? redisBackend(options.queue, runner, hooks, () => base(), (request) => removeStoredInputs(inputsDir, request)) : null;
  const store = redis ? null : new SqliteJobStore(options.dataDir);
  // Deliveries are stored when a job ends and made from the outbox: never lost on a restart, never held up a render.
  const outbox = store ? new WebhookOutbox(new OutboxStore(store.database), hooks) : null;
  const queue = gracefulShutdown(app, redis?.queue ?? new EmbeddedJobQueue({
    dataDir: options.dataDir,
    store: store!,
    concurrency: options.concurrency,
    run: jobRunner(runner),
    minFreeBytes: options.minFreeBytes ?? 0,
    onRejected: (request) => removeStoredInputs(inputsDir, request),
    onFinished: (job, persisted) => {
      // Its input goes when a job ends; outputs stay until retention, and so do the checkpoints of
      // a job that succeeded (redo starts from them). A job whose end could not be recorded (full
      // disk) runs again at the next start and keeps its input for that.
      removeJobFiles(dirs, job, { inputs: persisted, outputs: false, checkpoints: job.status !== 'success' });
      const url = job.request['webhook'];
      if (typeof url === 'string' && url) outbox?.enqueue(job.id, url, v5Response(job, base()));
    },
    afterCancel: (job) => removeJobFiles(dirs, job, { inputs: true, outputs: false, checkpoints: true }),
    ...(options.log ? { log: options.log } : {}),
  }), limits.shutdownGraceMs);
  const retention = startRetention({ queue, dirs, retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS, onRemoved: (id) => outbox?.forget(id), ...(options.log ? { log: options.log } : {}) });
  outbox?.start();
  app.setErrorHandler((err, _req, reply) => sendGenericError(err, reply));
  releaseOnFailure(app, inputsDir, () => queue.inputsInUse());
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ status: 'error', message: `no route ${req.method} ${req.url}` }));
  applyLimits(app, queue, limits);
  void app.register(multipart, { limits: { fileSize: options.maxImageBytes, files: 2 } });
  const engines = [...new Set([...(typeof options.engine === 'string' ? [options.engine] : []), ...(options.engines ?? [])])];
  const ctx: ApiContext = { queue, runner, auth: options.auth, bodyGate: new BodyGate(limits.unverifiedBodies, limits.unverifiedFreeBytes), maxPixels: options.maxImagePixels, syncWaitMs: options.syncWaitMs, allowPrivateUrls: options.allowPrivateUrls, engines, base };
  // Each public API is a plugin with its own key check and error bodies (see apis/).
  for (const api of [v5Api, modelslabEnterpriseApi, editOutpaintApi, bflApi, picsartApi]) void app.register(api, ctx);
  // Outputs are read through the ArtifactStore, the interface every API instance and worker shares.
  void app.register(generationsRoutes, { store: directoryStore(options.dataDir) });
  const removeJob = async (job: JobRecord): Promise<void> => {
    // Files first, as retention does: a removal cut short leaves a record to find again.
    removeJobFiles(dirs, job, ALL_FILES);
    await queue.remove(job.id);
    outbox?.forget(job.id);
  };
  void app.register(adminRoutes, { queue, auth: options.auth, checkpointsDir, base, removeJob });
  void app.register(eventsRoutes, { queue, auth: options.auth, checkpointsDir, base });
  void app.register(redoRoutes, { queue, auth: options.auth, checkpointsDir, inputsDir, maxPixels: options.maxImagePixels, base });
  // Queue depth, active jobs and live workers; 503 when the queue cannot be reached.
  app.get('/health', async () => ({ status: 'ok', queue: await queue.stats() }));
  studioRoutes(app, { engines, keyRequired: !options.auth.open });
  app.addHook('onClose', async () => {
    retention.stop();
    await retention.ready;
    await outbox?.close();
    await redis?.close();
    await queue.close();
    releaseLock();
  });
  return { app, queue };
}
