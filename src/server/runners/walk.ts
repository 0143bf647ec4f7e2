import { basename, join } from 'node:path';
import { responseMeta } from '../../render/meta.js';
import { getPreset } from '../../presets/shipped.js';
import { render } from '../../render/render.js';
import { resolveRequest } from '../../request/resolve.js';
import { readInput, requestImageBytes, storedInputPath } from '../input-image.js';
import { jobCheckpoints } from '../jobs/checkpoints.js';
import { AUDIO_FIELD, INPUT_FIELD, WATERMARK_FIELD } from '../jobs/fields.js';
import type { JobRunner } from '../jobs/types.js';
import { outputName } from '../outputs.js';
import type { RunnerOptions } from './options.js';

/** The job's stored audio, as a path for ffmpeg: the server never reads a path the client named. */
function storedFiles(inputsDir: string, request: Record<string, unknown>): { audioPath?: string } {
  const audio = request[AUDIO_FIELD];
  return typeof audio === 'string' ? { audioPath: storedInputPath(inputsDir, audio) } : {};
}

/**
 * Renders a v5 walk job into the generations directory (names from outputs.ts), checkpointing
 * every keyframe: a job interrupted by a crash re-renders its frames but outpaints only the steps
 * it had not finished.
 */
export function walkRunner(o: RunnerOptions): JobRunner {
  return async (job, report, signal) => {
    const request = resolveRequest(job.request, getPreset);
    const stored = job.request[INPUT_FIELD];
    const imageBytes = typeof stored === 'string' ? await readInput(o.inputsDir, stored) : await requestImageBytes(request.image, o, signal);
    const mark = job.request[WATERMARK_FIELD];
    const watermarkBytes = typeof mark === 'string' ? await readInput(o.inputsDir, mark) : undefined;
    const checkpoints = jobCheckpoints(o.checkpointsDir, job.id, request.width, request.height);
    const result = await render(job.request, {
      // render names each sample after this one, as outputNames does.
      output: join(o.generationsDir, outputName(job.id, request.outputFormat)),
      // The request may pick an engine the operator enabled (checked at submit).
      engine: request.engine ?? o.engine,
      imageBytes,
      ...storedFiles(o.inputsDir, job.request),
      ...(watermarkBytes ? { watermarkBytes } : {}),
      signal,
      onKeyframe: (index, image, sample) => checkpoints.save(index, image, sample),
      resumeKeyframe: (index, sample) => checkpoints.resume(index, sample),
      onProgress: (p) =>
        report({ frames: p.framesRendered, framesTotal: p.framesTotal, keyframes: p.keyframesDone, keyframesTotal: p.keyframesTotal, etaSeconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds) }),
    });
    const resumed = checkpoints.resumedFrom();
    if (resumed > 0) o.log?.(`job ${job.id}: resumed from keyframe ${resumed}`);
    await checkpoints.clear();
    return { outputs: result.outputs.map((out) => basename(out.path)), meta: { ...responseMeta(result), resumed_from_keyframe: resumed }, generationTime: result.seconds };
  };
}
