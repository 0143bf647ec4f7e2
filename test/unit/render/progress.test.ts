import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressTracker, type RenderProgress } from '../../../src/render/progress.js';

/** A clock the test moves by hand, in milliseconds as performance.now() counts them. */
let now = 0;
beforeEach(() => {
  now = 1000;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A tracker for `samples` samples of 4 keyframes and 96 frames each (100 units of work a sample), and what it reported. */
function tracker(samples = 2): { t: ProgressTracker; reports: RenderProgress[] } {
  const reports: RenderProgress[] = [];
  return { t: new ProgressTracker(samples, 4, 96, (p) => reports.push(p)), reports };
}

describe('ProgressTracker', () => {
  it('reports the counters, the phase and the seconds since it was made', () => {
    const { t, reports } = tracker();
    t.sample = 1;
    t.keyframesDone = 3;
    t.framesRendered = 12;
    t.framesEncoded = 10;
    now += 2500;
    t.report('frames');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      phase: 'frames',
      sample: 1,
      samples: 2,
      keyframesDone: 3,
      keyframesTotal: 4,
      framesRendered: 12,
      framesEncoded: 10,
      framesTotal: 96,
    });
    expect(reports[0]!.elapsedSeconds).toBeCloseTo(2.5, 9);
  });

  it('counts the work done across samples: earlier samples whole, frames as far as they are encoded', () => {
    const { t, reports } = tracker();
    t.sample = 1;
    t.keyframesDone = 4;
    t.framesRendered = 46;
    t.framesEncoded = 40;
    now += 7200;
    t.report('frames');
    // Done: 100 (sample 0) + 4 + 40 = 144 of 200, so 0.72 in 7.2 s: 2.8 s to go.
    expect(reports[0]!.etaSeconds).toBeCloseTo(2.8, 9);
  });

  it('counts rendered frames while the encoder has reported none', () => {
    const { t, reports } = tracker();
    t.keyframesDone = 4;
    t.framesRendered = 16;
    now += 1000;
    t.report('frames');
    // Done: 4 + 16 = 20 of 200, so 0.1 in 1 s: 9 s to go.
    expect(reports[0]!.etaSeconds).toBeCloseTo(9, 9);
  });

  it('gives no ETA until more than 2 % is done, then extrapolates from the fraction done', () => {
    const { t, reports } = tracker();
    now += 1000;
    t.report('keyframes');
    t.keyframesDone = 4;
    t.report('keyframes');
    expect(reports.map((r) => r.etaSeconds)).toEqual([null, null]);
    t.framesRendered = 1;
    t.report('frames');
    // 5 of 200 = 2.5 % in 1 s: 39 s to go.
    expect(reports[2]!.etaSeconds).toBeCloseTo(39, 9);
    now += 1000;
    t.report('frames');
    expect(reports[3]!.etaSeconds).toBeCloseTo(78, 9);
  });

  it('reaches an ETA of 0 when everything is done', () => {
    const { t, reports } = tracker(1);
    t.keyframesDone = 4;
    t.framesRendered = 96;
    t.framesEncoded = 96;
    now += 5000;
    t.report('done');
    expect(reports[0]).toMatchObject({ phase: 'done', etaSeconds: 0 });
  });

  it('counts a render with no work (a still image of a walk with no frames) as done', () => {
    const reports: RenderProgress[] = [];
    new ProgressTracker(1, 0, 0, (p) => reports.push(p)).report('done');
    expect(reports[0]!.etaSeconds).toBe(0);
  });

  it('runs without a sink', () => {
    expect(() => new ProgressTracker(1, 4, 96).report('frames')).not.toThrow();
  });
});
