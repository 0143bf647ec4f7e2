import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, EncoderError, EngineError } from '../../src/errors.js';
import { createMirrorEngine } from '../../src/engines/mirror.js';
import type { OutpaintEngine, OutpaintTask } from '../../src/engines/types.js';
import { decodeFitted } from '../../src/image/load.js';
import { rgbToYuv420, yuvFrameBytes } from '../../src/frames/yuv.js';
import type { RawImage } from '../../src/image/raw.js';
import { render } from '../../src/render/render.js';
import { psnr, texturedImage, writePng } from '../helpers/images.js';
import { probe } from '../helpers/video.js';

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-render-'));
  // Not the output aspect: the fit must cover-crop it.
  image = await writePng(texturedImage(300, 200), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const small = { width: 96, height: 64, translation_factor: 0.1, num_interpolation_steps: 6, fps: 24, seed: 7 };

/** Wraps an engine to record every task it is given. */
function spy(inner: OutpaintEngine = createMirrorEngine()): OutpaintEngine & { tasks: OutpaintTask[] } {
  const tasks: OutpaintTask[] = [];
  return { name: 'spy', tasks, outpaint: (t, s) => (tasks.push(t), inner.outpaint(t, s)) };
}

describe('render', () => {
  it('writes an mp4 with 1 + steps × interpolation frames at the requested fps', async () => {
    const out = join(dir, 'walk.mp4');
    const result = await render({ image, walk_type: ['backward', 'left', 'up'], ...small }, { output: out, engine: 'mirror' });
    const info = await probe(out);
    expect(info).toMatchObject({ frames: 19, width: 96, height: 64 });
    expect(info.seconds).toBeCloseTo(19 / 24, 1);
    expect(result.outputs).toEqual([{ path: out, seed: 7, format: 'mp4', frames: 19, width: 96, height: 64, fps: 24 }]);
  });

  it('starts on the fitted input and ends every step exactly on its keyframe (yuv420p stream)', async () => {
    const frames: Uint8Array[] = [];
    const formats = new Set<string>();
    const keyframes: RawImage[] = [];
    const { readFile } = await import('node:fs/promises');
    const fitted = await decodeFitted(await readFile(image), 96, 64);
    await render(
      { image, walk_type: ['backward', 'right', 'down'], ...small },
      { output: join(dir, 'k.mp4'), engine: 'mirror', onFrame: (_, f, format) => (frames.push(f.slice()), formats.add(format)), onKeyframe: (_, k) => keyframes.push(k) },
    );
    expect(frames).toHaveLength(19);
    expect([...formats]).toEqual(['yuv420p']);
    expect(frames[0]!.length).toBe(yuvFrameBytes(96, 64));
    const yuv = (rgb: Uint8Array): Uint8Array => {
      const out = new Uint8Array(yuvFrameBytes(96, 64));
      rgbToYuv420(rgb, 96, 64, out);
      return out;
    };
    expect(psnr(frames[0]!, yuv(fitted.data))).toBeGreaterThanOrEqual(40);
    keyframes.forEach((k, i) => expect(psnr(frames[(i + 1) * 6]!, yuv(k.data))).toBeGreaterThanOrEqual(40));
  });

  it('streams RGB frames when asked (pixelFormat rgb24): frame 0 is the fitted input', async () => {
    const frames: Uint8Array[] = [];
    const { readFile } = await import('node:fs/promises');
    const fitted = await decodeFitted(await readFile(image), 96, 64);
    const out = join(dir, 'rgb.mp4');
    await render({ image, walk_type: ['backward'], ...small }, { output: out, engine: 'mirror', pixelFormat: 'rgb24', onFrame: (_, f, format) => format === 'rgb24' && frames.push(f.slice()) });
    expect(frames).toHaveLength(7);
    expect(psnr(frames[0]!, fitted.data)).toBeGreaterThanOrEqual(40);
    expect(await probe(out)).toMatchObject({ frames: 7, width: 96, height: 64 });
  });

  it('keeps every known pixel whatever the engine returns', async () => {
    const red: OutpaintEngine = {
      name: 'red',
      outpaint: async (t) => ({ ...t.image, data: new Uint8Array(t.image.data.length).map((_, i) => (i % 3 === 0 ? 255 : 0)) }),
    };
    const keys: RawImage[] = [];
    await render({ image, walk_type: ['left'], ...small, width_translation_per_step: 16, height_translation_per_step: 16 }, { output: join(dir, 'red.png'), engine: red, onKeyframe: (_, k) => keys.push(k) });
    const k = keys[0]!;
    const { readFile } = await import('node:fs/promises');
    const fitted = await decodeFitted(await readFile(image), 96, 64);
    for (let y = 0; y < 64; y++) {
      // Band: the engine's red. Known: the input shifted right by 16 px, untouched.
      expect([...k.data.subarray((y * 96 + 3) * 3, (y * 96 + 3) * 3 + 3)]).toEqual([255, 0, 0]);
      expect([...k.data.subarray((y * 96 + 40) * 3, (y * 96 + 40) * 3 + 3)]).toEqual([...fitted.data.subarray((y * 96 + 24) * 3, (y * 96 + 24) * 3 + 3)]);
    }
  });

  it('plays the same frames backwards with reverse: true', async () => {
    const fwd: Uint8Array[] = [];
    const rev: Uint8Array[] = [];
    const body = { image, walk_type: ['backward', 'backward'], ...small };
    await render(body, { output: join(dir, 'f.mp4'), engine: 'mirror', onFrame: (_, f) => fwd.push(f.slice()) });
    await render({ ...body, reverse: true }, { output: join(dir, 'r.mp4'), engine: 'mirror', onFrame: (_, f) => rev.push(f.slice()) });
    expect(rev).toHaveLength(fwd.length);
    rev.forEach((f, i) => expect(Buffer.compare(f, fwd[fwd.length - 1 - i]!)).toBe(0));
  });

  it('gives each step its own prompt from a prompt array', async () => {
    const engine = spy();
    await render({ image, walk_type: ['left', 'backward'], prompt: ['a cliff', 'the sea'], ...small }, { output: join(dir, 'p.mp4'), engine });
    expect(engine.tasks.map((t) => t.prompt)).toEqual(['a cliff', 'the sea']);
  });

  it('renders n samples with seeds seed … seed+n−1, and records a random seed', async () => {
    const engine = spy();
    const result = await render({ image, walk_type: ['left'], ...small, samples: 3 }, { output: join(dir, 's.mp4'), engine });
    expect(result.outputs.map((o) => [o.path, o.seed])).toEqual([1, 2, 3].map((n) => [join(dir, `s-${n}.mp4`), 6 + n]));
    expect(engine.tasks).toHaveLength(3);
    const random = await render({ image, walk_type: ['left'], ...small, seed: null }, { output: join(dir, 'rand.mp4'), engine: 'mirror' });
    expect(Number.isInteger(random.outputs[0]!.seed)).toBe(true);
  });

  it('writes the final keyframe as an image when as_video is "no"', async () => {
    const keys: RawImage[] = [];
    const out = join(dir, 'final.png');
    await render({ image, walk_type: ['backward', 'left'], as_video: 'no', ...small }, { output: out, engine: 'mirror', onKeyframe: (_, k) => keys.push(k) });
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.format]).toEqual([96, 64, 'raw']);
    expect(Buffer.compare(data, keys[1]!.data)).toBe(0);
  });

  it.each([
    ['webm', 13],
    ['gif', 13],
  ])('encodes %s', async (format, frames) => {
    const out = join(dir, `w.${format}`);
    await render({ image, walk_type: ['right', 'up'], output_format: format, ...small }, { output: out, engine: 'mirror' });
    expect((await probe(out)).frames).toBe(frames);
  });

  it('surfaces an ffmpeg failure with its stderr and leaves no file behind', async () => {
    const sub = await mkdtemp(join(dir, 'fail-'));
    const err = await render({ image, walk_type: ['left'], ...small }, { output: join(sub, 'x.mp4'), engine: 'mirror', encode: { preset: 'no-such-preset', crf: 20 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EncoderError);
    expect((err as EncoderError).stderrTail.length).toBeGreaterThan(0);
    expect((err as Error).message).toMatch(/ffmpeg (exited|was killed)/);
    expect(await readdir(sub)).toEqual([]);
  });

  it('stops on abort and removes the partial video', async () => {
    const sub = await mkdtemp(join(dir, 'abort-'));
    const controller = new AbortController();
    const err = await render(
      { image, walk_type: ['left', 'left', 'left'], ...small, num_interpolation_steps: 60 },
      { output: join(sub, 'x.mp4'), engine: 'mirror', signal: controller.signal, onFrame: (i) => i === 20 && controller.abort() },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(await readdir(sub)).toEqual([]);
  });

  it('encodes correctly right after a failed and an aborted encode (encoder threads are reused)', async () => {
    const sub = await mkdtemp(join(dir, 'reuse-'));
    const body = { image, walk_type: ['left', 'left'], ...small, num_interpolation_steps: 30 };
    await expect(render(body, { output: join(sub, 'a.mp4'), engine: 'mirror', encode: { preset: 'no-such-preset', crf: 20 } })).rejects.toThrow(EncoderError);
    const controller = new AbortController();
    await expect(render(body, { output: join(sub, 'b.mp4'), engine: 'mirror', signal: controller.signal, onFrame: (i) => i === 10 && controller.abort() })).rejects.toThrow(AbortError);
    const frames: number[] = [];
    await render(body, { output: join(sub, 'c.mp4'), engine: 'mirror', onProgress: (p) => frames.push(p.framesEncoded) });
    expect(await probe(join(sub, 'c.mp4'))).toMatchObject({ frames: 61, width: 96, height: 64 });
    expect(Math.max(...frames)).toBeLessThanOrEqual(61);
    expect(await readdir(sub)).toEqual(['c.mp4']);
    // Another frame size on the same (reused) thread: its frame slots are replaced.
    const onFrameSize: number[] = [];
    await render({ ...body, width: 128, height: 64 }, { output: join(sub, 'd.mp4'), engine: 'mirror', onFrame: (_, f) => onFrameSize.push(f.length) });
    expect(await probe(join(sub, 'd.mp4'))).toMatchObject({ frames: 61, width: 128, height: 64 });
    expect(new Set(onFrameSize)).toEqual(new Set([yuvFrameBytes(128, 64)]));
  });

  it('names the engine when it returns the wrong size', async () => {
    const bad: OutpaintEngine = { name: 'tiny', outpaint: async () => ({ width: 2, height: 2, channels: 3, data: new Uint8Array(12) }) };
    await expect(render({ image, walk_type: ['left'], ...small }, { output: join(dir, 'bad.mp4'), engine: bad })).rejects.toThrow(EngineError);
    await expect(render({ image, walk_type: ['left'], ...small }, { output: join(dir, 'bad.mp4'), engine: bad })).rejects.toThrow(/engine "tiny": returned 2×2, expected 96×64/);
  });
});
