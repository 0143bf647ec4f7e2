import { basename, join } from 'node:path';
import { responseMeta } from '../render/meta.js';
import { render, resolveRequest } from '../render/render.js';
import type { OutpaintEngine } from '../engines/types.js';
import { INPUT_FIELD, readInput } from './input-image.js';
import { guardedFetch } from './ssrf.js';
import type { JobRunner } from './jobs/types.js';

/** What the job runner needs from the server's configuration. */
export interface RunnerOptions {
  readonly generationsDir: string;
  /** Where admitted input images are kept (see input-image.ts). */
  readonly inputsDir: string;
  readonly engine: OutpaintEngine | string;
  readonly allowPrivateUrls: boolean;
  readonly maxImageBytes: number;
  readonly fetchTimeoutMs: number;
}

const DATA_URI = /^data:image\/[a-z0-9.+-]+;base64,/i;

/** Image bytes of a request: fetched through the SSRF guard, or decoded from base64. */
export async function requestImageBytes(image: string, o: RunnerOptions, signal?: AbortSignal): Promise<Buffer> {
  if (/^https?:\/\//i.test(image)) {
    return guardedFetch(image, { field: 'image', allowPrivate: o.allowPrivateUrls, maxBytes: o.maxImageBytes, timeoutMs: o.fetchTimeoutMs, ...(signal ? { signal } : {}) });
  }
  return Buffer.from(DATA_URI.test(image) ? image.slice(image.indexOf(',') + 1) : image, 'base64');
}

/** Renders a v5 walk job into the generations directory, as `<id>.<ext>` (or `<id>-n.<ext>` per sample). */
export function walkRunner(o: RunnerOptions): JobRunner {
  return async (job, report, signal) => {
    const request = resolveRequest(job.request);
    const stored = job.request[INPUT_FIELD];
    const imageBytes = typeof stored === 'string' ? await readInput(o.inputsDir, stored) : await requestImageBytes(request.image, o, signal);
    const result = await render(job.request, {
      output: join(o.generationsDir, `${job.id}.${request.outputFormat}`),
      engine: o.engine,
      imageBytes,
      signal,
      onProgress: (p) =>
        report({ frames: p.framesRendered, framesTotal: p.framesTotal, keyframes: p.keyframesDone, keyframesTotal: p.keyframesTotal, etaSeconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds) }),
    });
    return { outputs: result.outputs.map((out) => basename(out.path)), meta: responseMeta(result), generationTime: result.seconds };
  };
}
