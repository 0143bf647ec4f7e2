import type { FastifyPluginCallback } from 'fastify';
import { keyOf, requireKey, type AuthConfig } from '../auth.js';
import type { JobQueue } from '../jobs/types.js';
import { callerOf, listedOwner, visibleJob } from '../tenancy.js';

/** What the job routes need. */
export interface AdminOptions {
  readonly queue: JobQueue;
  readonly auth: AuthConfig;
}

/** Rows per page: 50 unless `limit` says otherwise, at most 500. */
function pageLimit(raw: string | undefined): number {
  return Math.min(500, Math.max(1, Math.trunc(Number(raw ?? 50)) || 50));
}

/**
 * Key in x-key or Authorization. GET /api/jobs?limit=&cursor= lists the caller's jobs (an
 * operator's: everyone's), newest first, one small row each (no request, no image), with
 * `next_cursor` for the next page; DELETE /api/jobs/:id cancels one of them. Another tenant's job
 * is a 404, as an unknown one is.
 */
export const adminRoutes: FastifyPluginCallback<AdminOptions> = (scope, { queue, auth }, done) => {
  requireKey(scope, auth, (req) => keyOf(req.headers, null), () => ({ status: 'error', message: 'invalid or missing API key' }));

  scope.get<{ Querystring: { limit?: string; cursor?: string } }>('/api/jobs', async (req) => {
    const owner = listedOwner(callerOf(req));
    // A cursor this server did not hand out is a 422 naming `cursor` (the store's ValidationError).
    const page = await queue.page({ ...(owner !== undefined ? { owner } : {}), limit: pageLimit(req.query.limit), ...(req.query.cursor ? { cursor: req.query.cursor } : {}) });
    return {
      jobs: page.jobs.map((j) => ({ id: j.id, status: j.status, progress: j.progress, error: j.error, created_at: new Date(j.createdAt).toISOString(), updated_at: new Date(j.updatedAt).toISOString() })),
      next_cursor: page.nextCursor,
    };
  });

  scope.delete<{ Params: { id: string } }>('/api/jobs/:id', async (req, reply) => {
    if (!(await visibleJob(queue, req, req.params.id))) return reply.code(404).send({ status: 'error', message: `no job with id ${req.params.id}` });
    if (!(await queue.cancel(req.params.id))) return reply.code(409).send({ status: 'error', message: 'the job has already finished' });
    return { status: 'cancelled', id: req.params.id };
  });
  done();
};
