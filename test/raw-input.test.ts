import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yuvFrameBytes } from '../src/frames/yuv.js';
import { VideoEncoder } from '../src/video/encoder.js';
import { ffmpegPath } from '../src/video/ffmpeg-path.js';
import { canAddNullInput, rawInputArgs } from '../src/video/raw-input.js';
import { decodeGray, probe } from './helpers/video.js';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-input-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('raw input on stdin', () => {
  const input = { pixelFormat: 'yuv420p' as const, width: 512, height: 512, fps: 30, frameBytes: yuvFrameBytes(512, 512) };

  it('reads the pipe on its own thread: a second null input, only the raw stream mapped', () => {
    const { input: args, map } = rawInputArgs(input, true);
    expect(args.slice(args.indexOf('-i') - 8, args.indexOf('-i') + 2)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', '512x512', '-framerate', '30', '-i', 'pipe:0']);
    expect(args.filter((a) => a === '-i')).toHaveLength(2);
    expect(args.slice(-4)).toEqual(['-f', 'lavfi', '-i', 'nullsrc=s=16x16:d=0.04']);
    expect(map).toEqual(['-map', '0:v']);
  });

  it('bounds the input queue by bytes, not frames (42 frames at 512², 5 at 1080×1920, at least 4)', () => {
    const queue = (frameBytes: number): string => {
      const { input: args } = rawInputArgs({ ...input, frameBytes }, true);
      return args[args.indexOf('-thread_queue_size') + 1]!;
    };
    expect(queue(yuvFrameBytes(512, 512))).toBe('42');
    expect(queue(yuvFrameBytes(1080, 1920))).toBe('5');
    expect(queue(yuvFrameBytes(3840, 2160))).toBe('4');
  });

  it('falls back to the lone input when asked to', () => {
    expect(rawInputArgs(input, false)).toEqual({ input: ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', '512x512', '-framerate', '30', '-i', 'pipe:0'], map: [] });
  });

  it('knows whether an ffmpeg can make the null input (lavfi and its nullsrc)', async () => {
    expect(canAddNullInput(ffmpegPath())).toBe(true);
    expect(canAddNullInput(join(dir, 'no-such-ffmpeg'))).toBe(false);
    // A build with the lavfi device but without the nullsrc filter.
    const fake = join(dir, 'ffmpeg-without-nullsrc');
    await writeFile(fake, '#!/bin/sh\ncase "$3" in demuxer=lavfi) echo "Demuxer lavfi [Libavfilter virtual input device]:";; *) echo "Unknown filter \'nullsrc\'.";; esac\n');
    await chmod(fake, 0o755);
    expect(canAddNullInput(fake)).toBe(false);
  });

  it('encodes exactly the frames written, in one video stream, with the null input left out', async () => {
    const out = join(dir, 'ramp.mp4');
    const enc = new VideoEncoder({ output: out, format: 'mp4', pixelFormat: 'yuv420p', width: 64, height: 48, fps: 25 });
    for (let i = 0; i < 30; i++) {
      const f = enc.frameBuffer();
      f.fill(128);
      f.fill(16 + i * 7, 0, 64 * 48);
      await enc.write(f);
    }
    await enc.finish();
    expect(await probe(out)).toMatchObject({ frames: 30, width: 64, height: 48 });
    const { stderr } = await run(ffmpegPath(), ['-hide_banner', '-i', out], { encoding: 'utf8' }).catch((e: { stderr: string }) => ({ stderr: e.stderr }));
    expect(stderr.match(/Stream #0:\d+/g)).toHaveLength(1);
    const gray = await decodeGray(out, 64, 48);
    // Frame i is flat luma 16 + 7i (full-range gray once decoded), in order: the pipe's frames, none from the null input.
    const means = gray.map((g) => g.reduce((s, v) => s + v, 0) / g.length);
    means.forEach((m, i) => expect(m, `frame ${i}`).toBeCloseTo((i * 7 * 255) / 219, 0));
  });
});
