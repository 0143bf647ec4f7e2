import { basename, join } from 'node:path';
import type { RawImage } from '../../image/raw.js';
import { responseMeta } from '../../render/meta.js';
import { getPreset } from '../../presets/shipped.js';
import { render } from '../../render/render.js';
import { resolveRequest } from '../../request/resolve.js';
import { planWalk } from '../../walk/plan.js';
import type { JobJournal } from '../events/journal.js';
import { thumbnailName, writeThumbnail } from '../events/thumbnails.js';
import { readInput, requestImageBytes, storedInputPath } from '../input-image.js';
import { jobCheckpoints } from '../jobs/checkpoints.js';
import { AUDIO_FIELD, INPUT_FIELD, REDO_FIELD, WATERMARK_FIELD } from '../jobs/fields.js';
import type { JobRecord, JobRunner } from '../jobs/types.js';
import { outputName } from '../outputs.js';
import type { RunnerOptions } from './options.js';

/** The job's stored audio, as a path for ffmpeg: the server never reads a path the client named. */
function storedFiles(inputsDir: string, request: Record<string, unknown>): { audioPath?: string } {
  const audio = request[AUDIO_FIELD];
  return typeof audio === 'string' ? { audioPath: storedInputPath(inputsDir, audio) } : {};
}

/** A JobRunner that also writes the job's keyframe events to its journal. */
export type WalkRun = (job: JobRecord, report: Parameters<JobRunner>[1], signal: AbortSignal, journal: JobJournal) => ReturnType<JobRunner>;

/** The redo a job was made by, if any: start from job `job`'s keyframes before step `step`. */
function redoOf(job: JobRecord): { job: string; step: number } | null {
  const r = job.request[REDO_FIELD] as { job?: unknown; step?: unknown } | undefined;
  return r && typeof r.job === 'string' && typeof r.step === 'number' ? { job: r.job, step: r.step } : null;
}

/**
 * Renders a v5 walk job into the generations directory (names from outputs.ts), checkpointing
 * every keyframe (kept after the job, for redo) and writing a thumbnail of each as it is made: a
 * job interrupted by a crash re-renders its frames but outpaints only the steps it had not
 * finished, and a redo outpaints only the steps from its own on.
 */
export function walkRunner(o: RunnerOptions): WalkRun {
  return async (job, report, signal, journal) => {
    const request = resolveRequest(job.request, getPreset);
    const stored = job.request[INPUT_FIELD];
    const imageBytes = typeof stored === 'string' ? await readInput(o.inputsDir, stored) : await requestImageBytes(request.image, o, signal);
    const mark = job.request[WATERMARK_FIELD];
    const watermarkBytes = typeof mark === 'string' ? await readInput(o.inputsDir, mark) : undefined;
    const checkpoints = jobCheckpoints(o.checkpointsDir, job.id, request.width, request.height);
    checkpoints.keepInput(imageBytes);
    const redo = redoOf(job);
    if (redo) checkpoints.adopt(redo.job, redo.step, request.samples);
    const plan = planWalk(request);
    // The first report: the page shows the job running, with its totals, before the first keyframe.
    report({ frames: 0, framesTotal: request.outputFormat === 'png' ? 0 : plan.totalFrames, keyframes: 0, keyframesTotal: plan.steps.length, etaSeconds: null });
    // Thumbnails are written one after another, so keyframe events come in the order they were made.
    let thumbnails: Promise<void> = Promise.resolve();
    const shoot = (index: number, image: RawImage, sample: number): void => {
      const file = thumbnailName(job.id, sample, index);
      thumbnails = thumbnails.then(
        () => writeThumbnail(o.generationsDir, file, image).then((size) => journal.keyframe({ index, sample, file, ...size })),
      ).catch((err: unknown) => o.log?.(`job ${job.id}: thumbnail ${file}: ${err instanceof Error ? err.message : String(err)}`));
    };
    try {
      const result = await render(job.request, {
        // render names each sample after this one, as outputNames does.
        output: join(o.generationsDir, outputName(job.id, request.outputFormat)),
        // The request may pick an engine the operator enabled (checked at submit).
        engine: request.engine ?? o.engine,
        imageBytes,
        ...storedFiles(o.inputsDir, job.request),
        ...(watermarkBytes ? { watermarkBytes } : {}),
        signal,
        onKeyframe: (index, image, sample) => {
          checkpoints.save(index, image, sample);
          shoot(index, image, sample);
        },
        resumeKeyframe: (index, sample) => {
          const saved = checkpoints.resume(index, sample);
          if (saved) shoot(index, saved, sample);
          return saved;
        },
        onProgress: (p) =>
          report({ frames: p.framesRendered, framesTotal: p.framesTotal, keyframes: p.keyframesDone, keyframesTotal: p.keyframesTotal, etaSeconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds) }),
      });
      const resumed = checkpoints.resumedFrom();
      if (resumed > 0) o.log?.(`job ${job.id}: resumed from keyframe ${resumed}`);
      return { outputs: result.outputs.map((out) => basename(out.path)), meta: { ...responseMeta(result), resumed_from_keyframe: resumed }, generationTime: result.seconds };
    } finally {
      // Every keyframe event is in the journal before the job is seen to end.
      await thumbnails;
    }
  };
}
