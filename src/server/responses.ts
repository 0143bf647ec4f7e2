import { publicFields } from './jobs/fields.js';
import { outpaintSpec } from './jobs/outpaint-request.js';
import type { JobRecord } from './jobs/types.js';
import { fileUrl } from './urls.js';

/** The v5 response for a job, in the public API's shapes: success, processing, or error. */
export function v5Response(job: JobRecord, base: string, futureLinks: string[] = []): Record<string, unknown> {
  const trackId = (job.request['track_id'] as string | number | null | undefined) ?? null;
  const common = { id: job.id, meta: job.meta ?? pendingMeta(job), ...(trackId !== null ? { track_id: trackId } : {}) };
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

/**
 * Until a job has run, meta echoes its request without the key and the server's own fields (a
 * single outpaint shows its seed, count, format and prompt, as its finished meta will), and with an
 * inline image summarised rather than sent back.
 */
function pendingMeta(job: JobRecord): Record<string, unknown> {
  const spec = outpaintSpec(job);
  const meta: Record<string, unknown> = { ...publicFields(job.request), ...(spec ? { seed: spec.seed, count: spec.count, format: spec.format, prompt: spec.prompt } : {}) };
  const image = meta['image'];
  if (typeof image === 'string' && !/^https?:\/\//i.test(image) && !image.startsWith('(inline image')) meta['image'] = `(inline image, ${image.length} characters)`;
  return meta;
}
