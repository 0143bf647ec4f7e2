import type { JobRecord } from './jobs/types.js';

/** Absolute URL of a generated file. */
export function fileUrl(base: string, name: string): string {
  return `${base}/generations/${encodeURIComponent(name)}`;
}

/** The v5 response for a job, in the public API's shapes: success, processing, or error. */
export function v5Response(job: JobRecord, base: string, futureLinks: string[] = []): Record<string, unknown> {
  const trackId = (job.request['track_id'] as string | number | null | undefined) ?? null;
  const common = { id: job.id, meta: job.meta ?? metaFromRequest(job), ...(trackId !== null ? { track_id: trackId } : {}) };
  switch (job.status) {
    case 'success': {
      const output = job.outputs.map((f) => fileUrl(base, f));
      return { status: 'success', generationTime: job.generationTime, ...common, output, proxy_links: output };
    }
    case 'queued':
    case 'processing':
      return {
        status: 'processing',
        ...common,
        eta: job.progress?.etaSeconds ?? null,
        progress: job.progress,
        fetch_result: `${base}/api/v5/fetch/${job.id}`,
        future_links: futureLinks,
        message: job.status === 'queued' ? 'queued' : 'rendering',
      };
    case 'error':
    case 'cancelled':
      return { status: 'error', ...common, message: job.error ?? job.status };
  }
}

/** Until a job has run, meta echoes its request, with an inline image summarised rather than sent back. */
function metaFromRequest(job: JobRecord): Record<string, unknown> {
  const { key: _key, _input: _stored, ...rest } = job.request;
  const image = rest['image'];
  if (typeof image === 'string' && !/^https?:\/\//i.test(image)) rest['image'] = `(inline image, ${image.length} characters)`;
  return rest;
}
