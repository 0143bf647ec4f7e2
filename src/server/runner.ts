import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Dispatcher } from 'undici';
import { inlineImageBytes } from '../image/load.js';
import type { RawImage } from '../image/raw.js';
import { responseMeta } from '../render/meta.js';
import { getPreset } from '../presets/shipped.js';
import { render } from '../render/render.js';
import { resolveRequest } from '../request/resolve.js';
import type { OutpaintEngine } from '../engines/types.js';
import { INPUT_FIELD, readInput } from './input-image.js';
import { guardedFetch } from './ssrf.js';
import type { JobRunner } from './jobs/types.js';

/** What the job runner needs from the server's configuration. */
export interface RunnerOptions {
  readonly generationsDir: string;
  /** Where admitted input images are kept (see input-image.ts). */
  readonly inputsDir: string;
  /** Where each job's finished keyframes are kept until it succeeds, so a restart resumes from them. */
  readonly checkpointsDir: string;
  readonly log?: (message: string) => void;
  /** Replaces the SSRF-guarded agent for URL fetches (tests route them to a mock); URL checks still apply. */
  readonly dispatcher?: Dispatcher;
  readonly engine: OutpaintEngine | string;
  readonly allowPrivateUrls: boolean;
  readonly maxImageBytes: number;
  readonly fetchTimeoutMs: number;
}

/** Image bytes of a request: fetched through the SSRF guard, or decoded from base64. */
export async function requestImageBytes(image: string, o: Omit<RunnerOptions, 'generationsDir' | 'inputsDir' | 'checkpointsDir' | 'engine'>, signal?: AbortSignal, field = 'image'): Promise<Buffer> {
  if (/^https?:\/\//i.test(image)) {
    return guardedFetch(image, { field, allowPrivate: o.allowPrivateUrls, maxBytes: o.maxImageBytes, timeoutMs: o.fetchTimeoutMs, ...(signal ? { signal } : {}), ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}) });
  }
  return inlineImageBytes(image);
}

/** Raw RGB keyframes of one job, written atomically, read back on resume. */
function checkpoints(dir: string, width: number, height: number) {
  mkdirSync(dir, { recursive: true });
  const file = (sample: number, index: number): string => join(dir, `${sample}-${index}.rgb`);
  return {
    save(index: number, image: RawImage, sample: number): void {
      const tmp = `${file(sample, index)}.tmp`;
      writeFileSync(tmp, image.data);
      renameSync(tmp, file(sample, index));
    },
    load(index: number, sample: number): RawImage | null {
      const f = file(sample, index);
      if (!existsSync(f)) return null;
      const data = readFileSync(f);
      return data.length === width * height * 3 ? { width, height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) } : null;
    },
    clear: (): Promise<void> => rm(dir, { recursive: true, force: true }),
  };
}

/**
 * Renders a v5 walk job into the generations directory, as `<id>.<ext>` (or `<id>-n.<ext>` per
 * sample), checkpointing every keyframe: a job interrupted by a crash re-renders its frames but
 * outpaints only the steps it had not finished.
 */
export function walkRunner(o: RunnerOptions): JobRunner {
  return async (job, report, signal) => {
    const request = resolveRequest(job.request, getPreset);
    const stored = job.request[INPUT_FIELD];
    const imageBytes = typeof stored === 'string' ? await readInput(o.inputsDir, stored) : await requestImageBytes(request.image, o, signal);
    const saved = checkpoints(join(o.checkpointsDir, job.id), request.width, request.height);
    let resumed = 0;
    const result = await render(job.request, {
      output: join(o.generationsDir, `${job.id}.${request.outputFormat}`),
      // The request may pick an engine the operator enabled (checked at submit).
      engine: request.engine ?? o.engine,
      imageBytes,
      signal,
      onKeyframe: (index, image, sample) => saved.save(index, image, sample),
      resumeKeyframe: (index, sample) => {
        const image = saved.load(index, sample);
        if (image) resumed = Math.max(resumed, index);
        return image;
      },
      onProgress: (p) =>
        report({ frames: p.framesRendered, framesTotal: p.framesTotal, keyframes: p.keyframesDone, keyframesTotal: p.keyframesTotal, etaSeconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds) }),
    });
    if (resumed > 0) o.log?.(`job ${job.id}: resumed from keyframe ${resumed}`);
    await saved.clear();
    return { outputs: result.outputs.map((out) => basename(out.path)), meta: { ...responseMeta(result), resumed_from_keyframe: resumed }, generationTime: result.seconds };
  };
}
