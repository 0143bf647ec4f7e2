import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/video/ffmpeg-path.js';

const run = promisify(execFile);

/** Decodes a video into grayscale frames (one byte per pixel), as a viewer would see them. */
export async function decodeGray(path: string, width: number, height: number): Promise<Uint8Array[]> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 1 << 30,
  });
  const size = width * height;
  const frames: Uint8Array[] = [];
  for (let o = 0; o + size <= stdout.length; o += size) frames.push(new Uint8Array(stdout.buffer, stdout.byteOffset + o, size));
  return frames;
}

/** Frame count, duration (NaN when the container has none) and size of a video, read back by decoding it with ffmpeg. */
export async function probe(path: string): Promise<{ frames: number; seconds: number; width: number; height: number }> {
  const { stderr } = await run(ffmpegPath(), ['-hide_banner', '-i', path, '-map', '0:v:0', '-f', 'null', '-'], { maxBuffer: 1 << 26 });
  const frames = [...stderr.matchAll(/frame=\s*(\d+)/g)].pop();
  const dur = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  const size = /, (\d{2,5})x(\d{2,5})[, ]/.exec(stderr);
  if (!frames || !size) throw new Error(`cannot probe ${path}: ${stderr.slice(-500)}`);
  return {
    frames: Number(frames[1]),
    seconds: dur ? Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]) : Number.NaN,
    width: Number(size[1]),
    height: Number(size[2]),
  };
}

/** Decodes a video into the Y planes of its yuv420p frames (limited range, as stored; no conversion). */
export async function decodeLuma(path: string, width: number, height: number): Promise<Uint8Array[]> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'], {
    encoding: 'buffer',
    maxBuffer: 1 << 30,
  });
  const size = width * height;
  const frame = size + 2 * (width >> 1) * (height >> 1);
  const frames: Uint8Array[] = [];
  for (let o = 0; o + frame <= stdout.length; o += frame) frames.push(new Uint8Array(stdout.buffer, stdout.byteOffset + o, size));
  return frames;
}
