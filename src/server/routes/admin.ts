import type { FastifyInstance } from 'fastify';
import { keyAllowed, keyOf, type AuthConfig } from '../auth.js';
import type { JobQueue } from '../jobs/types.js';

/** GET /health, and for operators GET /api/jobs and DELETE /api/jobs/:id (cancel). */
export function adminRoutes(app: FastifyInstance, queue: JobQueue, auth: AuthConfig): void {
  app.get('/health', async () => ({ status: 'ok' }));

  app.get<{ Querystring: { limit?: string } }>('/api/jobs', async (req, reply) => {
    if (!keyAllowed(auth, keyOf(req.headers, null))) return reply.code(401).send({ status: 'error', message: 'invalid or missing API key' });
    const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 50) || 50));
    return {
      jobs: queue.list(limit).map((j) => ({ id: j.id, status: j.status, progress: j.progress, error: j.error, created_at: new Date(j.createdAt).toISOString(), updated_at: new Date(j.updatedAt).toISOString() })),
    };
  });

  app.delete<{ Params: { id: string } }>('/api/jobs/:id', async (req, reply) => {
    if (!keyAllowed(auth, keyOf(req.headers, null))) return reply.code(401).send({ status: 'error', message: 'invalid or missing API key' });
    if (!queue.get(req.params.id)) return reply.code(404).send({ status: 'error', message: `no job with id ${req.params.id}` });
    if (!queue.cancel(req.params.id)) return reply.code(409).send({ status: 'error', message: 'the job has already finished' });
    return { status: 'cancelled', id: req.params.id };
  });
}
