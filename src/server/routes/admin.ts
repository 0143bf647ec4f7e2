import type { FastifyPluginCallback } from 'fastify';
import { keyOf, requireKey, type AuthConfig } from '../auth.js';
import type { JobQueue } from '../jobs/types.js';

/** What the operator routes need. */
export interface AdminOptions {
  readonly queue: JobQueue;
  readonly auth: AuthConfig;
}

/** For operators, key in x-key or Authorization: GET /api/jobs (recent jobs) and DELETE /api/jobs/:id (cancel). */
export const adminRoutes: FastifyPluginCallback<AdminOptions> = (scope, { queue, auth }, done) => {
  requireKey(scope, auth, (req) => keyOf(req.headers, null), () => ({ status: 'error', message: 'invalid or missing API key' }));

  scope.get<{ Querystring: { limit?: string } }>('/api/jobs', async (req) => {
    const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 50) || 50));
    const jobs = await queue.list(limit);
    return {
      jobs: jobs.map((j) => ({ id: j.id, status: j.status, progress: j.progress, error: j.error, created_at: new Date(j.createdAt).toISOString(), updated_at: new Date(j.updatedAt).toISOString() })),
    };
  });

  scope.delete<{ Params: { id: string } }>('/api/jobs/:id', async (req, reply) => {
    if (!(await queue.get(req.params.id))) return reply.code(404).send({ status: 'error', message: `no job with id ${req.params.id}` });
    if (!(await queue.cancel(req.params.id))) return reply.code(409).send({ status: 'error', message: 'the job has already finished' });
    return { status: 'cancelled', id: req.params.id };
  });
  done();
};
