import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RawImage } from '../../image/raw.js';

/**
 * Crash-resume of a walk job: every finished keyframe is saved as raw RGB under
 * `<checkpointsDir>/<job id>/`, and a job run again (the queue re-queues interrupted jobs at start)
 * gets the saved keyframes back instead of outpainting those steps again. Its frames are rendered
 * again; the engine only skips finished steps.
 */
export interface JobCheckpoints {
  /** Saves a finished keyframe, atomically (render's `onKeyframe`). */
  save(index: number, image: RawImage, sample: number): void;
  /** A saved keyframe, or null when it was not finished (render's `resumeKeyframe`). */
  resume(index: number, sample: number): RawImage | null;
  /** The furthest keyframe handed back by `resume`: what this run skipped (0: none). */
  resumedFrom(): number;
  /** Removes the job's checkpoints (once its outputs are in place). */
  clear(): Promise<void>;
}

/** The checkpoints of one job whose keyframes are width×height. */
export function jobCheckpoints(checkpointsDir: string, jobId: string, width: number, height: number): JobCheckpoints {
  const dir = join(checkpointsDir, jobId);
  mkdirSync(dir, { recursive: true });
  const file = (sample: number, index: number): string => join(dir, `${sample}-${index}.rgb`);
  let resumed = 0;
  return {
    save(index, image, sample) {
      const tmp = `${file(sample, index)}.tmp`;
      writeFileSync(tmp, image.data);
      renameSync(tmp, file(sample, index));
    },
    resume(index, sample) {
      const f = file(sample, index);
      if (!existsSync(f)) return null;
      const data = readFileSync(f);
      // A file of the wrong size is from another request shape: outpaint that step again.
      if (data.length !== width * height * 3) return null;
      resumed = Math.max(resumed, index);
      return { width, height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
    },
    resumedFrom: () => resumed,
    clear: () => rm(dir, { recursive: true, force: true }),
  };
}
