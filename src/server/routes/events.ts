import type { FastifyPluginCallback } from 'fastify';
import { walkRequestSchema } from '../../request/schema.js';
import { keyOf, requireKey, type AuthConfig } from '../auth.js';
import { readJournal } from '../events/journal.js';
import { formatEvent, parseLastEventId, pingLine, PING_MS, retryLine } from '../events/sse.js';
import { JobEventStream, type EventRenderers } from '../events/stream.js';
import type { JobQueue } from '../jobs/types.js';
import { v5Response } from '../responses.js';
import { visibleJob, callerOf, canSee } from '../tenancy.js';
import { fileUrl, type BaseUrl } from '../urls.js';

/** What the event stream needs. */
export interface EventsOptions {
  readonly queue: JobQueue;
  readonly auth: AuthConfig;
  /** Where each job's journal is (beside its checkpoints; see events/journal.ts). */
  readonly checkpointsDir: string;
  readonly base: BaseUrl;
  /** How often the job and its journal are read, in ms (default 200). */
  readonly pollMs?: number;
}

const FIELDS = new Set(Object.keys(walkRequestSchema.shape));

/** The request field a failure names, when its message starts with one (`width: …`, `seed[2]: …`). */
export function failedField(message: string | null): string | null {
  const m = /^([a-z_]+)(\[\d+\])?: /.exec(message ?? '');
  return m && FIELDS.has(m[1]!) ? `${m[1]}${m[2] ?? ''}` : null;
}

function renderers(base: string): EventRenderers {
  return {
    keyframe: (e) => ({ index: e.index, sample: e.sample, url: fileUrl(base, e.file), width: e.width, height: e.height }),
    done: (job) => v5Response(job, base),
    error: (job, id) =>
      job
        ? { status: job.status === 'cancelled' ? 'cancelled' : 'error', id, message: job.error ?? job.status, field: failedField(job.error) }
        : { status: 'error', id, message: 'the job is gone', field: null },
  };
}

/**
 * GET /api/jobs/:id/events: the job's Server-Sent Events (docs/studio.md). Built on the JobQueue
 * and the job's journal file only — polled a few times a second — so it works the same whatever
 * process or machine runs the job. Key in x-key or Authorization (never the URL); another
 * tenant's job is a 404.
 */
export const eventsRoutes: FastifyPluginCallback<EventsOptions> = (scope, o, done) => {
  requireKey(scope, o.auth, (req) => keyOf(req.headers, null), () => ({ status: 'error', message: 'invalid or missing API key: send it as an x-key header or Authorization: Bearer' }));
  const open = new Set<() => void>();
  // A stream never holds up a shutdown: each is ended before the server stops listening.
  scope.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });
  const pollMs = o.pollMs ?? 200;

  scope.get<{ Params: { id: string } }>('/api/jobs/:id/events', async (req, reply) => {
    const id = req.params.id;
    const first = await visibleJob(o.queue, req, id);
    if (!first) return reply.code(404).send({ status: 'error', message: `no job with id ${id}` });
    const caller = callerOf(req);
    const stream = new JobEventStream(id, renderers(o.base(req)));
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', connection: 'keep-alive' });
    res.write(retryLine());
    let timer: NodeJS.Timeout | null = null;
    let closed = false;
    const end = (): void => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      clearInterval(ping);
      open.delete(end);
      res.end();
    };
    open.add(end);
    res.on('close', end);
    const ping = setInterval(() => res.write(pingLine()), PING_MS);
    const send = (events: ReturnType<JobEventStream['update']>): void => {
      for (const e of events) res.write(formatEvent(e));
      if (stream.over) end();
    };
    let journal = readJournal(o.checkpointsDir, id);
    send(stream.start(journal.entries, first, parseLastEventId(req.headers['last-event-id']), Date.now()));
    const tick = async (): Promise<void> => {
      timer = null;
      if (closed) return;
      try {
        // The job first, then its journal: a job seen ended has written all its lines.
        const found = await o.queue.get(id);
        const job = found && canSee(caller, found) ? found : null;
        journal = readJournal(o.checkpointsDir, id, journal.offset);
        if (!closed) send(stream.update(journal.entries, job, Date.now()));
      } catch {
        end();
        return;
      }
      if (closed) return;
      const due = stream.nextDue();
      timer = setTimeout(() => void tick(), Math.max(10, Math.min(pollMs, due === null ? pollMs : due - Date.now())));
    };
    if (!closed) timer = setTimeout(() => void tick(), pollMs);
    return reply;
  });
  done();
};
