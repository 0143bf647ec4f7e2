import { describe, expect, it } from 'vitest';
import { yuvFrameBytes } from '../../../src/frames/yuv.js';
import { rawInputArgs } from '../../../src/video/raw-input.js';

describe('raw input on stdin: ffmpeg arguments', () => {
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
});
