import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ZoomwalkError } from '../errors.js';
import { keyId, keyOf } from './auth.js';
import type { JobQueue } from './jobs/types.js';

/** What keeps one client, or many without a key, from taking the server down (docs/security.md). */
export interface ServerLimits {
  /** Time to receive a request's headers; a slower client is cut off (slowloris). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept. */
  readonly keepAliveTimeoutMs: number;
  /** A socket with no traffic either way for this long is closed (above the longest synchronous wait). */
  readonly idleTimeoutMs: number;
  /** Connections open at once (0: no cap); more are dropped as they arrive. Keep it under the process's file limit (ulimit -n). */
  readonly maxConnections: number;
  /** Requests a minute per API key (per address without one); more get 429 ZW_RATE_LIMITED. 0: no limit. */
  readonly rateLimitPerMinute: number;
  /** Jobs waiting to run (0: no bound); a submission beyond gets 503 ZW_QUEUE_FULL and nothing is queued. */
  readonly maxQueued: number;
  /** The Retry-After of a ZW_QUEUE_FULL answer, seconds. */
  readonly queueRetryAfterSeconds: number;
  /** Bodies read at once whose key is not known yet (a body `key` sent late); see BodyGate. */
  readonly unverifiedBodies: number;
  /** Bytes such a body may send before it needs one of those slots. */
  readonly unverifiedFreeBytes: number;
  /** On close: how long open requests (an upload) get before their connections are destroyed. */
  readonly shutdownGraceMs: number;
}

/** The defaults: generous for a real client, short for a stalled one. */
export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 120_000,
  maxConnections: 2048,
  rateLimitPerMinute: 600,
  maxQueued: 100,
  queueRetryAfterSeconds: 10,
  unverifiedBodies: 2,
  unverifiedFreeBytes: 64 * 1024,
  shutdownGraceMs: 2_000,
};

/** The Fastify constructor options that carry the timeouts (Node checks them every `connectionsCheckingInterval`). */
export function timeoutOptions(l: ServerLimits): { connectionTimeout: number; keepAliveTimeout: number; requestTimeout: number; http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } } {
  // Node refuses a header timeout above the request timeout (0 turns the latter off).
  const headersTimeout = l.requestTimeoutMs > 0 ? Math.min(l.headersTimeoutMs, l.requestTimeoutMs) : l.headersTimeoutMs;
  // Node only looks at stalled sockets on this interval (default 30 s): check often enough that a
  // header timeout of a few seconds is kept.
  const connectionsCheckingInterval = Math.max(50, Math.min(1000, Math.floor(headersTimeout / 4)));
  return {
    connectionTimeout: l.idleTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    http: { headersTimeout, requestTimeout: l.requestTimeoutMs, connectionsCheckingInterval },
  };
}

/** The routes that queue a job: the ones a full queue refuses. */
const SUBMIT_ROUTES = new Set(['/api/v5/outpaint', '/api/v1/enterprise/image_editing/outpaint', '/api/edit/outpaint', '/v1/flux-tools/outpainting-v1', '/v1/painting/expand']);

/** The API key a request carries, however its API sends it. */
function requestKey(req: FastifyRequest): string | undefined {
  const picsart = req.headers['x-picsart-api-key'];
  return keyOf(req.headers, req.body) ?? (typeof picsart === 'string' && picsart ? picsart : undefined);
}

/**
 * Registers the limits on the root instance, before the API plugins: the connection cap, a rate
 * limit per key (by the key's hash; by address without a key) checked after the key check so a
 * stranger cannot spend a tenant's allowance, and the bounded queue.
 */
export function applyLimits(app: FastifyInstance, queue: JobQueue, l: ServerLimits): void {
  if (l.maxConnections > 0) app.server.maxConnections = l.maxConnections;
  if (l.rateLimitPerMinute > 0) {
    void app.register(rateLimit, {
      global: true,
      max: l.rateLimitPerMinute,
      timeWindow: 60_000,
      // preValidation: after the body is parsed (v5 and ModelsLab send the key in it) and after the
      // key check, before any image is fetched or any multipart file is read.
      hook: 'preValidation',
      keyGenerator: (req) => {
        const key = requestKey(req);
        return key ? `key:${keyId(key)}` : `ip:${req.ip}`;
      },
      allowList: (req) => req.routeOptions.url === '/health',
      errorResponseBuilder: (_req, c) => new ZoomwalkError('ZW_RATE_LIMITED', `rate limit reached: more than ${c.max} requests a minute for this key; retry in ${c.after}`),
    });
  }
  app.addHook('preHandler', async (req, reply) => {
    if (l.maxQueued <= 0 || req.method !== 'POST' || !SUBMIT_ROUTES.has(req.routeOptions.url ?? '')) return;
    const depth = await queue.depth();
    if (depth < l.maxQueued) return;
    void reply.header('retry-after', String(l.queueRetryAfterSeconds));
    throw new ZoomwalkError('ZW_QUEUE_FULL', `the queue is full (${depth} jobs waiting, the limit is ${l.maxQueued}); nothing was queued, retry in ${l.queueRetryAfterSeconds} s`);
  });
}
