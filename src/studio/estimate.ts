// The live estimate under the form. No DOM here: unit tests import this file.
import type { WalkType } from '../request/limits.js';

/** What a walk will produce and roughly how long it will take. */
export interface Estimate {
  /** Frames per video: the first keyframe, then `interpolation` frames per step (src/walk/plan.ts). */
  readonly frames: number;
  readonly seconds: number;
  /** Keyframes the engine outpaints: one per step. */
  readonly keyframes: number;
  /** Wall-clock guess for the whole render, or null for an engine with no known speed. */
  readonly renderSeconds: number | null;
}

/**
 * Seconds per outpainted keyframe at 512×512, pan and backward; from the engine table in
 * README.md (classical on 2 cores, mirror instant) and typical GPU/hosted latencies for the rest.
 */
const SECONDS_PER_STEP: Record<string, { pan: number; backward: number }> = {
  mirror: { pan: 0.02, backward: 0.02 },
  classical: { pan: 0.6, backward: 1.5 },
  a1111: { pan: 4, backward: 4 },
  comfyui: { pan: 4, backward: 4 },
  iopaint: { pan: 2, backward: 2 },
  bfl: { pan: 12, backward: 12 },
  modelslab: { pan: 15, backward: 15 },
  picsart: { pan: 8, backward: 8 },
  aithriving: { pan: 10, backward: 10 },
};

/** Compositing and encoding one 512×512 frame (docs/performance.md order of magnitude). */
const SECONDS_PER_FRAME = 0.004;

/** The estimate for a walk of `steps` at `width`×`height`, `interpolation` frames a step, with `engine`. */
export function estimate(steps: readonly WalkType[], interpolation: number, fps: number, width: number, height: number, engine: string): Estimate {
  const n = steps.length;
  const frames = 1 + n * Math.max(0, Math.floor(interpolation));
  const area = (Math.max(1, width) * Math.max(1, height)) / (512 * 512);
  const speed = SECONDS_PER_STEP[engine];
  const local = engine === 'mirror' || engine === 'classical';
  const keyframeSeconds = speed ? steps.reduce((sum, s) => sum + (s === 'backward' ? speed.backward : speed.pan), 0) * (local ? area : 1) : null;
  return {
    frames,
    seconds: fps > 0 ? frames / fps : 0,
    keyframes: n,
    renderSeconds: keyframeSeconds === null ? null : keyframeSeconds + frames * SECONDS_PER_FRAME * area,
  };
}

/** "1 min 05 s", "12 s", "0.5 s", "under 0.1 s": a duration for people. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 0.1) return 'under 0.1 s';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
