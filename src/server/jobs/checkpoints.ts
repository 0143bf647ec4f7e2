import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RawImage } from '../../image/raw.js';

/**
 * Crash-resume and redo of a walk job: every finished keyframe is saved as raw RGB under
 * `<checkpointsDir>/<job id>/`, with the job's input image. A job run again (the queue re-queues
 * interrupted jobs at start) gets the saved keyframes back instead of outpainting those steps
 * again; a redo (POST /api/jobs/:id/redo) starts from another job's keyframes before its step.
 * Frames are always rendered again; the engine only skips finished steps. Checkpoints stay after
 * the job ends (a cancel removes them) until retention or a delete removes the job.
 */
export interface JobCheckpoints {
  /** Saves a finished keyframe, atomically (render's `onKeyframe`). */
  save(index: number, image: RawImage, sample: number): void;
  /** A saved keyframe, or null when it was not finished (render's `resumeKeyframe`). */
  resume(index: number, sample: number): RawImage | null;
  /** The furthest keyframe handed back by `resume`: what this run skipped (0: none). */
  resumedFrom(): number;
  /** Keeps the job's input image beside its keyframes (a redo renders from it), once. */
  keepInput(bytes: Buffer): void;
  /** Takes job `fromJob`'s keyframes of steps 1 … before−1 (every sample) that this job has not saved itself. */
  adopt(fromJob: string, before: number, samples: number): void;
  /** Removes the job's checkpoints. */
  clear(): Promise<void>;
}

const INPUT = 'input.img';
const keyframeFile = (sample: number, index: number): string => `${sample}-${index}.rgb`;
const jobDir = (checkpointsDir: string, jobId: string): string => join(checkpointsDir, jobId.replace(/[^A-Za-z0-9_-]/g, ''));

/** The input image kept with job `jobId`'s checkpoints, or null once they are gone. */
export function keptInput(checkpointsDir: string, jobId: string): Buffer | null {
  try {
    return readFileSync(join(jobDir(checkpointsDir, jobId), INPUT));
  } catch {
    return null;
  }
}

/** True when job `jobId` kept its input and the keyframes of steps 1 … upTo of every sample. */
export function hasKeyframes(checkpointsDir: string, jobId: string, upTo: number, samples: number): boolean {
  const dir = jobDir(checkpointsDir, jobId);
  if (!existsSync(join(dir, INPUT))) return false;
  for (let s = 0; s < samples; s++) for (let i = 1; i <= upTo; i++) if (!existsSync(join(dir, keyframeFile(s, i)))) return false;
  return true;
}

/** The checkpoints of one job whose keyframes are width×height. */
export function jobCheckpoints(checkpointsDir: string, jobId: string, width: number, height: number): JobCheckpoints {
  const dir = jobDir(checkpointsDir, jobId);
  mkdirSync(dir, { recursive: true });
  const file = (sample: number, index: number): string => join(dir, keyframeFile(sample, index));
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
    keepInput(bytes) {
      if (existsSync(join(dir, INPUT))) return;
      writeFileSync(join(dir, `${INPUT}.tmp`), bytes);
      renameSync(join(dir, `${INPUT}.tmp`), join(dir, INPUT));
    },
    adopt(fromJob, before, samples) {
      const from = jobDir(checkpointsDir, fromJob);
      for (let s = 0; s < samples; s++) {
        for (let i = 1; i < before; i++) {
          const src = join(from, keyframeFile(s, i));
          if (existsSync(file(s, i)) || !existsSync(src)) continue;
          // A hard link costs no space and outlives the other job's removal; a copy where links fail.
          try {
            linkSync(src, file(s, i));
          } catch {
            copyFileSync(src, file(s, i));
          }
        }
      }
    },
    clear: () => rm(dir, { recursive: true, force: true }),
  };
}
