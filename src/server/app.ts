import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Dispatcher } from 'undici';
import { ValidationError, ZoomwalkError } from '../errors.js';
import type { OutpaintEngine } from '../engines/types.js';
import type { AuthConfig } from './auth.js';
import { EmbeddedJobQueue } from './jobs/embedded-queue.js';
import type { JobQueue, JobRunner } from './jobs/types.js';
import { bflRoutes } from './formats/bfl.js';
import type { FormatContext } from './formats/common.js';
import { editOutpaintRoutes } from './formats/edit-outpaint.js';
import { modelslabEnterpriseRoutes } from './formats/modelslab-enterprise.js';
import { picsartRoutes } from './formats/picsart.js';
import { adminRoutes } from './routes/admin.js';
import { generationsRoutes } from './routes/generations.js';
import { studioRoutes } from './routes/studio.js';
import { v5Routes } from './routes/v5.js';
import { v5Response } from './responses.js';
import { walkRunner, type RunnerOptions } from './runner.js';
import { INPUT_FIELD } from './input-image.js';
import { isOutpaintJob, MASK_FIELD, outpaintRunner } from './outpaint-job.js';
import { DEFAULT_WEBHOOK, deliverWebhook, type WebhookOptions } from './webhook.js';

/** Everything `zoomwalk serve` can be told. */
export interface ServerOptions {
  readonly dataDir: string;
  readonly engine: OutpaintEngine | string;
  /** Further engines a request may choose with `engine` (the operator's opt-in). */
  readonly engines?: readonly string[];
  readonly auth: AuthConfig;
  readonly concurrency: number;
  readonly allowPrivateUrls: boolean;
  readonly bodyLimitBytes: number;
  readonly maxImageBytes: number;
  /** Largest input image accepted, in pixels (width × height). */
  readonly maxImagePixels: number;
  readonly fetchTimeoutMs: number;
  readonly syncWaitMs: number;
  /** Base URL put in links (fetch_result, output); default: the address the server listens on. */
  readonly publicUrl?: string;
  readonly webhook?: Partial<Omit<WebhookOptions, 'allowPrivateUrls'>>;
  /** For tests: where URL fetches go instead of the network (see RunnerOptions.dispatcher). */
  readonly fetchDispatcher?: Dispatcher;
  readonly log?: (message: string) => void;
}

export const DEFAULT_SERVER_OPTIONS: Omit<ServerOptions, 'dataDir' | 'auth'> = {
  engine: 'classical',
  concurrency: 1,
  allowPrivateUrls: false,
  bodyLimitBytes: 30 * 1024 * 1024,
  maxImageBytes: 30 * 1024 * 1024,
  maxImagePixels: 50_000_000,
  fetchTimeoutMs: 30_000,
  syncWaitMs: 60_000,
};

/** Maps errors to HTTP once: 4xx naming the field for the client's mistakes, 500 with the reason otherwise. */
function errorHandler(err: FastifyError | Error, reply: { code: (n: number) => { send: (b: unknown) => unknown } }): unknown {
  if (err instanceof ValidationError) return reply.code(422).send({ status: 'error', message: err.message, errors: err.issues.map((i) => ({ field: i.path, message: i.message })) });
  if (err instanceof ZoomwalkError && err.kind === 'validation') return reply.code(422).send({ status: 'error', message: err.message });
  const code = (err as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ status: 'error', message: 'request body too large' });
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err instanceof SyntaxError && (err as FastifyError).statusCode === 400)) {
    return reply.code(400).send({ status: 'error', message: `malformed JSON body: ${err.message}` });
  }
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return reply.code(status).send({ status: 'error', message: err.message });
  return reply.code(500).send({ status: 'error', message: err.message });
}

/** Walk jobs and single outpaints share the queue; each record says which it is. */
function dispatch(o: RunnerOptions): JobRunner {
  const walk = walkRunner(o);
  const single = outpaintRunner(o);
  return (job, report, signal) => (isOutpaintJob(job) ? single(job, report, signal) : walk(job, report, signal));
}

/** Builds the HTTP server and its job queue (not yet listening). */
export function buildServer(options: ServerOptions): { app: FastifyInstance; queue: JobQueue } {
  const generationsDir = join(options.dataDir, 'generations');
  const inputsDir = join(options.dataDir, 'inputs');
  const checkpointsDir = join(options.dataDir, 'checkpoints');
  for (const d of [generationsDir, inputsDir, checkpointsDir]) mkdirSync(d, { recursive: true });
  // Partial videos of a process that died mid-encode: their jobs are rendered again.
  for (const f of readdirSync(generationsDir)) if (f.startsWith('.') && f.endsWith('.part')) rmSync(join(generationsDir, f), { force: true });
  const runnerOptions = {
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
  let app: FastifyInstance | null = null;
  const base = (): string => {
    if (options.publicUrl) return options.publicUrl;
    const address = app?.server.address();
    return address && typeof address === 'object' ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : '';
  };
  const hooks: WebhookOptions = { ...DEFAULT_WEBHOOK, ...options.webhook, allowPrivateUrls: options.allowPrivateUrls, ...(options.log ? { log: options.log } : {}) };
  const queue = new EmbeddedJobQueue({
    dataDir: options.dataDir,
    concurrency: options.concurrency,
    run: dispatch(runnerOptions),
    onFinished: (job) => {
      // A finished job never reads its input again (only an interrupted one does).
      for (const field of [INPUT_FIELD, MASK_FIELD]) {
        const name = job.request[field];
        if (typeof name === 'string') rmSync(join(inputsDir, name.replace(/[^A-Za-z0-9.-]/g, '')), { force: true });
      }
      const url = job.request['webhook'];
      // Fire and forget: delivery retries for a minute and must never hold up the next render.
      if (typeof url === 'string' && url) void deliverWebhook(url, v5Response(job, base()), hooks);
    },
    ...(options.log ? { log: options.log } : {}),
  });
  app = Fastify({ bodyLimit: options.bodyLimitBytes, logger: false });
  app.setErrorHandler((err, _req, reply) => errorHandler(err as FastifyError, reply));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ status: 'error', message: `no route ${req.method} ${req.url}` }));
  const engines = [...new Set([...(typeof options.engine === 'string' ? [options.engine] : []), ...(options.engines ?? [])])];
  v5Routes(app, queue, { auth: options.auth, allowPrivateUrls: options.allowPrivateUrls, syncWaitMs: options.syncWaitMs, runner: runnerOptions, maxPixels: options.maxImagePixels, engines });
  const formats: FormatContext = { queue, runner: runnerOptions, auth: options.auth, maxPixels: options.maxImagePixels, syncWaitMs: options.syncWaitMs, allowPrivateUrls: options.allowPrivateUrls };
  void app.register(multipart, { limits: { fileSize: options.maxImageBytes, files: 2 } });
  modelslabEnterpriseRoutes(app, formats);
  editOutpaintRoutes(app, formats);
  bflRoutes(app, formats);
  picsartRoutes(app, formats);
  generationsRoutes(app, generationsDir);
  adminRoutes(app, queue, options.auth);
  studioRoutes(app, { engines, keyRequired: !options.auth.open });
  app.addHook('onClose', async () => queue.close());
  return { app, queue };
}
