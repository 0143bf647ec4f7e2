import type { FastifyPluginCallback } from 'fastify';
import { keyOf, requireKey, type AuthConfig } from '../auth.js';
import { latestThumbnail } from '../events/journal.js';
import type { JobQueue, JobRecord } from '../jobs/types.js';
import { callerOf, listedOwner, visibleJob } from '../tenancy.js';
import { fileUrl, type BaseUrl } from '../urls.js';

/** What the job routes need. */
export interface AdminOptions {
  readonly queue: JobQueue;
  readonly auth: AuthConfig;
  /** Where each job's journal names its latest keyframe thumbnail (events/journal.ts). */
  readonly checkpointsDir: string;
  readonly base: BaseUrl;
  /** Removes a finished job's files and then its record (as retention does). */
  readonly removeJob: (job: JobRecord) => Promise<void>;
}

/** Rows per page: 50 unless `limit` says otherwise, at most 500. */
function pageLimit(raw: string | undefined): number {
  return Math.min(500, Math.max(1, Math.trunc(Number(raw ?? 50)) || 50));
}

/**
 * Key in x-key or Authorization. GET /api/jobs?limit=&cursor= lists the caller's jobs (an
 * operator's: everyone's), newest first, one small row each (no request, no image; the latest
 * keyframe thumbnail's URL), with `next_cursor` for the next page; DELETE /api/jobs/:id cancels
 * one of them, and with `?files=true` deletes a finished one and its files. Another tenant's job
 * is a 404, as an unknown one is.
 */
export const adminRoutes: FastifyPluginCallback<AdminOptions> = (scope, { queue, auth, checkpointsDir, base, removeJob }, done) => {
  requireKey(scope, auth, (req) => keyOf(req.headers, null), () => ({ status: 'error', message: 'invalid or missing API key' }));

  scope.get<{ Querystring: { limit?: string; cursor?: string } }>('/api/jobs', async (req) => {
    const owner = listedOwner(callerOf(req));
    // A cursor this server did not hand out is a 422 naming `cursor` (the store's ValidationError).
    const page = await queue.page({ ...(owner !== undefined ? { owner } : {}), limit: pageLimit(req.query.limit), ...(req.query.cursor ? { cursor: req.query.cursor } : {}) });
    return {
      jobs: page.jobs.map((j) => {
        const thumbnail = latestThumbnail(checkpointsDir, j.id);
        return { id: j.id, status: j.status, progress: j.progress, error: j.error, created_at: new Date(j.createdAt).toISOString(), updated_at: new Date(j.updatedAt).toISOString(), thumbnail: thumbnail ? fileUrl(base(req), thumbnail) : null };
      }),
      next_cursor: page.nextCursor,
    };
  });

  scope.delete<{ Params: { id: string }; Querystring: { files?: string } }>('/api/jobs/:id', async (req, reply) => {
    const job = await visibleJob(queue, req, req.params.id);
    if (!job) return reply.code(404).send({ status: 'error', message: `no job with id ${req.params.id}` });
    if (req.query.files === 'true') {
      if (job.status === 'queued' || job.status === 'processing') return reply.code(409).send({ status: 'error', message: 'the job is still running; cancel it first' });
      await removeJob(job);
      return { status: 'deleted', id: job.id };
    }
    if (!(await queue.cancel(req.params.id))) return reply.code(409).send({ status: 'error', message: 'the job has already finished' });
    return { status: 'cancelled', id: req.params.id };
  });
  done();
};
