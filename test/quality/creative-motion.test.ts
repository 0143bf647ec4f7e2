import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/render/render.js';
import { ease } from '../../src/walk/easing.js';
import { psnr, texturedImage, writePng } from '../helpers/images.js';
import { estimateMotion } from '../helpers/motion.js';
import { decodeLuma } from '../helpers/video.js';

const S = 192;
let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-creative-'));
  image = await writePng(texturedImage(S, S), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const zoomOut = { width: S, height: S, translation_factor: 0.06, fps: 30, seed: 5 };
const lossless = { engine: 'mirror', encode: { preset: 'medium', crf: 0 } } as const;

describe('easing, measured on decoded frames', () => {
  for (const easing of ['ease-in-out', 'ease-out'] as const) {
    it(`${easing}: the per-frame zoom speed of an 8-step zoom-out follows e′ within 2 % of the peak`, async () => {
      // 12 frames a step keep the fastest frames (3× a linear walk's speed for ease-out) near 3 % zoom, where the fit is unbiased.
      const N = 12;
      const out = join(dir, `${easing}.mp4`);
      await render({ ...zoomOut, image, walk_type: new Array(8).fill('backward'), num_interpolation_steps: N, easing }, { output: out, ...lossless });
      const frames = await decodeLuma(out, S, S);
      const F = 1 + 8 * N;
      expect(frames).toHaveLength(F);
      // One backward step zooms by 1/s; a linear walk moves log(1/s)·8/(F−1) per frame, an eased one that times e′.
      const s = 1 - 2 * (Math.round(0.06 * S) / S);
      const linear = (Math.log(1 / s) * 8) / (F - 1);
      const measured = frames.slice(1).map((f, i) => Math.log(estimateMotion(frames[i]!, f, S, S, { zoom: true, margin: 24 }).ratio));
      // Pair i spans t = i/(F−1) … (i+1)/(F−1): its expected motion is e′ integrated over it.
      const expected = measured.map((_, i) => linear * (F - 1) * (ease(easing, (i + 1) / (F - 1)) - ease(easing, i / (F - 1))));
      const peak = Math.max(...expected);
      const worst = Math.max(...measured.map((m, i) => Math.abs(m - expected[i]!)));
      expect(worst / peak).toBeLessThan(0.02);
    });
  }
});

describe('seamless loop', () => {
  const N = 24;
  const body = { ...zoomOut, walk_type: ['backward', 'backward', 'backward'], num_interpolation_steps: N, loop: true };

  it('rendering one frame more than the video holds gives frame 0 again (raw stream, through the library)', async () => {
    const raw: Uint8Array[] = [];
    const result = await render({ ...body, image }, { output: join(dir, 'closed.mp4'), ...lossless, closeLoop: true, onFrame: (_i, f) => raw.push(f.slice()) });
    expect(result.outputs[0]!.frames).toBe(3 * N + 1);
    expect(raw).toHaveLength(3 * N + 1);
    expect(psnr(raw[0]!, raw[3 * N]!)).toBeGreaterThanOrEqual(40);
  });

  it('played twice in a row, zooms on through the loop point: no jump, no stall', async () => {
    const out = join(dir, 'loop.mp4');
    await render({ ...body, image }, { output: out, ...lossless });
    const frames = await decodeLuma(out, S, S);
    expect(frames).toHaveLength(3 * N);
    const twice = [...frames, ...frames];
    const motions = twice.slice(1).map((f, i) => estimateMotion(twice[i]!, f, S, S, { zoom: true, margin: 36 }));
    const speeds = motions.map((m) => Math.log(m.ratio));
    const medSpeed = median(speeds);
    const medResidual = median(motions.map((m) => m.residual));
    // Pairs around the loop point: pair L−1 is (last frame → frame 0).
    const L = frames.length;
    // The dissolve ends a quarter step before the loop point (frames/effects/crossfade.ts): 6 pairs before it are pure zoom.
    for (let i = L - 5; i <= L + 5; i++) {
      expect(Math.abs(speeds[i]! / medSpeed - 1)).toBeLessThan(0.03);
      expect(motions[i]!.residual).toBeLessThanOrEqual(2 * medResidual);
    }
    // No frozen pair anywhere: every frame moves on.
    for (const sp of speeds) expect(sp).toBeGreaterThan(0.5 * medSpeed);
  });
});
