import { describe, expect, it } from 'vitest';
import { createLayer, type Layer } from '../../../src/frames/layer.js';
import { createImage, type RawImage } from '../../../src/image/raw.js';
import { frameCamera, lastKeyframe, playForward, playReverse, type EmitFrame, type EncoderBacklog, type KeyframeSource } from '../../../src/render/timeline.js';
import { interpolateViewport } from '../../../src/walk/geometry.js';
import { planWalk, type WalkPlan } from '../../../src/walk/plan.js';

const N = 3;
const walk = ['left', 'backward', 'up'] as const;
const plan: WalkPlan = planWalk({ width: 8, height: 6, walk, translation: { x: 2, y: 1, source: 'px' }, interpolationSteps: N, fps: 30, prompts: walk.map(() => '') });

/** Keyframes made on demand, each a one-pixel image whose red value is its index; every call is logged. */
class FakeKeyframes implements KeyframeSource {
  readonly first: Layer;
  layers: Layer[];
  made = 0;
  constructor(
    private readonly log: string[],
    private readonly failAt = 0,
  ) {
    this.first = createLayer(0, createImage(1, 1), plan.viewports[0]!);
    this.layers = [this.first];
  }

  async next(): Promise<RawImage> {
    const id = ++this.made;
    this.log.push(`next ${id}`);
    // Made elsewhere: the stack changes only after a turn of the event loop, as an engine's would.
    await new Promise((resolve) => setImmediate(resolve));
    if (id === this.failAt) throw new Error(`keyframe ${id} failed`);
    const image = createImage(1, 1);
    image.data[0] = id;
    this.layers = [...this.layers, createLayer(id, image, plan.viewports[id]!)];
    return image;
  }
}

/** An encoder whose backlog the test decides, frame by frame. */
function backlog(log: string[], wellFed: (framesSoFar: number) => boolean): EncoderBacklog {
  return {
    flush: () => log.push('flush'),
    get wellFed() {
      return wellFed(log.filter((e) => e.startsWith('frame')).length);
    },
  };
}

/** Records each frame as `frame step,k` plus the id of its top layer (the newest keyframe it can show). */
function recorder(log: string[]): EmitFrame {
  return async (layers, pos) => {
    // k as today's interpolation index: linear walks keep t = k / N exactly.
    log.push(`frame ${pos.step},${Math.round(pos.t * N)} top ${layers[layers.length - 1]!.id}`);
    // Encoding takes a turn of the event loop too: a keyframe made ahead can land meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
  };
}

const framesOf = (log: readonly string[]): string[] => log.filter((e) => e.startsWith('frame'));

describe('frameCamera', () => {
  it('is the first viewport for frame 0, and moves from viewport i to i+1 over step i', () => {
    expect(frameCamera(plan, { step: -1, t: 0 })).toEqual(plan.viewports[0]);
    expect(frameCamera(plan, { step: 1, t: 1 / N })).toEqual(interpolateViewport(plan.viewports[1]!, plan.viewports[2]!, 1 / N, 8, 6));
    const end = frameCamera(plan, { step: 2, t: 1 });
    expect(end.x).toBeCloseTo(plan.viewports[3]!.x, 12);
    expect(end.y).toBeCloseTo(plan.viewports[3]!.y, 12);
    expect(end.scale).toBeCloseTo(plan.viewports[3]!.scale, 12);
  });
});

describe('playForward', () => {
  it('plays frame 0, then each step’s frames 1 … N in order, each with that step’s keyframe on top', async () => {
    const log: string[] = [];
    await playForward(plan, new FakeKeyframes(log), backlog(log, () => true), recorder(log));
    const want = ['frame -1,0 top 0'];
    for (let i = 0; i < walk.length; i++) for (let k = 1; k <= N; k++) want.push(`frame ${i},${k} top ${i + 1}`);
    expect(framesOf(log)).toEqual(want);
    expect(log.filter((e) => e.startsWith('next'))).toEqual(['next 1', 'next 2', 'next 3']);
  });

  it('asks for the next keyframe one step ahead once the encoder is well fed, after handing ffmpeg its frames', async () => {
    const log: string[] = [];
    await playForward(plan, new FakeKeyframes(log), backlog(log, () => true), recorder(log));
    expect(log.slice(0, 6)).toEqual(['frame -1,0 top 0', 'flush', 'next 1', 'frame 0,1 top 1', 'flush', 'next 2']);
    // Keyframe 3 is asked for during step 1, keyframe 2 already being there.
    expect(log.indexOf('next 3')).toBe(log.indexOf('frame 1,1 top 2') + 2);
  });

  it('waits for a backlog before looking ahead: the next keyframe is asked for once the encoder is well fed', async () => {
    const log: string[] = [];
    // Well fed from the third frame of the video on.
    await playForward(plan, new FakeKeyframes(log), backlog(log, (frames) => frames >= 3), recorder(log));
    expect(log.indexOf('next 2')).toBe(log.indexOf('frame 0,2 top 1') + 2);
  });

  it('makes each keyframe only when its step comes when the encoder is never well fed', async () => {
    const log: string[] = [];
    await playForward(plan, new FakeKeyframes(log), backlog(log, () => false), recorder(log));
    for (const id of [2, 3]) expect(log.indexOf(`next ${id}`)).toBe(log.indexOf(`frame ${id - 2},${N} top ${id - 1}`) + 2);
    expect(framesOf(log)).toHaveLength(1 + walk.length * N);
  });

  it('rejects with the error of a keyframe made ahead, after the frames before it', async () => {
    const log: string[] = [];
    const err = await playForward(plan, new FakeKeyframes(log, 2), backlog(log, () => true), recorder(log)).catch((e: unknown) => e);
    expect((err as Error).message).toBe('keyframe 2 failed');
    expect(framesOf(log).at(-1)).toBe(`frame 0,${N} top 1`);
  });
});

describe('playReverse', () => {
  it('makes every keyframe first, then plays the forward frames backwards, frame 0 last', async () => {
    const log: string[] = [];
    const keyframes = new FakeKeyframes(log);
    await playReverse(plan, keyframes, recorder(log));
    expect(log.slice(0, 3)).toEqual(['next 1', 'next 2', 'next 3']);
    const forward = ['frame -1,0 top 0'];
    for (let i = 0; i < walk.length; i++) for (let k = 1; k <= N; k++) forward.push(`frame ${i},${k} top ${i + 1}`);
    expect(framesOf(log)).toEqual(forward.reverse());
  });
});

describe('lastKeyframe', () => {
  it('makes every step in order and returns the last keyframe', async () => {
    const log: string[] = [];
    const last = await lastKeyframe(plan, new FakeKeyframes(log), createImage(1, 1));
    expect(log).toEqual(['next 1', 'next 2', 'next 3']);
    expect(last.data[0]).toBe(3);
  });

  it('returns the input for a walk of no steps', async () => {
    const input = createImage(1, 1);
    const empty = planWalk({ width: 8, height: 6, walk: [], translation: { x: 2, y: 1, source: 'px' }, interpolationSteps: N, fps: 30, prompts: [] });
    expect(await lastKeyframe(empty, new FakeKeyframes([]), input)).toBe(input);
  });
});
