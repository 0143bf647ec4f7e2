import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../../src/render/render.js';
import { texturedImage, writePng } from '../helpers/images.js';
import { estimateMotion } from '../helpers/motion.js';
import { decodeGray } from '../helpers/video.js';

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-motion-'));
  image = await writePng(texturedImage(320, 320), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('motion measured on decoded video', () => {
  it('zooms out at a constant ratio per frame, across keyframes, without drifting', async () => {
    const N = 12;
    const out = join(dir, 'zoom.mp4');
    await render(
      { image, width: 256, height: 256, walk_type: ['backward', 'backward', 'backward'], translation_factor: 0.1, num_interpolation_steps: N, fps: 30, seed: 5 },
      { output: out, engine: 'mirror', encode: { preset: 'medium', crf: 8 } },
    );
    const frames = await decodeGray(out, 256, 256);
    expect(frames.length).toBe(1 + 3 * N);
    const expected = Math.pow(1 / (1 - 0.2 * (26 / 25.6)), 1 / N); // s from round(0.1·256) = 26 px
    const motions = frames.slice(1).map((f, i) => estimateMotion(frames[i]!, f, 256, 256, { zoom: true, margin: 48 }));
    const ratios = motions.map((m) => m.ratio);
    const med = median(ratios);
    expect(Math.abs(med / expected - 1)).toBeLessThan(0.002);
    for (const r of ratios) expect(Math.abs(r / med - 1)).toBeLessThan(0.01);
    for (const m of motions) {
      expect(Math.abs(m.dx)).toBeLessThan(0.25);
      expect(Math.abs(m.dy)).toBeLessThan(0.25);
    }
    const residuals = motions.map((m) => m.residual);
    const medRes = median(residuals);
    // Pairs that cross a keyframe boundary: frame k·N → k·N + 1.
    for (const k of [1, 2]) expect(residuals[k * N]!).toBeLessThanOrEqual(1.5 * medRes);
  });

  it('pans 32 px over 60 frames by 0.533 px every frame', async () => {
    const out = join(dir, 'pan.mp4');
    await render(
      { image, width: 256, height: 256, walk_type: ['right', 'right'], width_translation_per_step: 32, height_translation_per_step: 32, num_interpolation_steps: 60, fps: 60, seed: 5 },
      { output: out, engine: 'mirror', encode: { preset: 'medium', crf: 8 } },
    );
    const frames = await decodeGray(out, 256, 256);
    expect(frames.length).toBe(121);
    for (let i = 1; i < frames.length; i++) {
      const m = estimateMotion(frames[i - 1]!, frames[i]!, 256, 256, { zoom: false, margin: 40 });
      // Camera moves right, so content moves left: next(x) = prev(x + 0.533).
      expect(Math.abs(m.dx - 32 / 60)).toBeLessThan(0.05);
      expect(Math.abs(m.dy)).toBeLessThan(0.05);
    }
  });
});
