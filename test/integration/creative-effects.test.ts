import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engines/registry.js';
import type { OutpaintEngine } from '../../src/engines/types.js';
import { ValidationError } from '../../src/errors.js';
import { render } from '../../src/render/render.js';
import { ffmpegPath } from '../../src/video/ffmpeg-path.js';
import { texturedImage, writePng } from '../helpers/images.js';
import { decodeLuma, probe } from '../helpers/video.js';

const run = promisify(execFile);
const S = 128;
let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-effects-'));
  image = await writePng(texturedImage(S, S), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const walk = { width: S, height: S, walk_type: ['backward', 'left'], translation_factor: 0.1, num_interpolation_steps: 10, fps: 10, seed: 3 };
const lossless = { engine: 'mirror', encode: { preset: 'medium', crf: 0 } } as const;
const mean = (f: Uint8Array): number => f.reduce((a, b) => a + b, 0) / f.length;

/** ffmpeg's own listing of a file's streams and, per stream, the decoded duration in seconds. */
async function streams(path: string): Promise<{ listing: string; audioSeconds: number; videoPackets: string }> {
  const ff = ffmpegPath();
  const { stderr } = await run(ff, ['-hide_banner', '-i', path, '-f', 'null', '-'], { maxBuffer: 1 << 26 }).catch((e: { stderr: string }) => e);
  const pcm = await run(ff, ['-v', 'error', '-i', path, '-map', '0:a:0', '-f', 's16le', '-ac', '1', '-ar', '48000', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28 }).catch(() => null);
  const packets = await run(ff, ['-v', 'error', '-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'framemd5', 'pipe:1'], { maxBuffer: 1 << 26 });
  return { listing: stderr.split(/Stream mapping|Output #0/)[0]!, audioSeconds: pcm ? pcm.stdout.length / 2 / 48000 : 0, videoPackets: packets.stdout
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      // Size and md5 of each packet: the bytes; webm shifts timestamps by Opus's pre-skip, which is not the stream's content.
      .map((l) => l.split(',').slice(-2).join(','))
      .join('\n') };
}

describe('holds and fades', () => {
  it('holds the first frame hold_start_s and the last hold_end_s', async () => {
    const out = join(dir, 'hold.mp4');
    await render({ ...walk, image, hold_start_s: 0.5, hold_end_s: 0.3 }, { output: out, ...lossless });
    const frames = await decodeLuma(out, S, S);
    expect(frames).toHaveLength(1 + 20 + 5 + 3);
    for (let i = 1; i < 6; i++) expect(Buffer.compare(frames[i]!, frames[0]!)).toBe(0);
    expect(Buffer.compare(frames[6]!, frames[0]!)).not.toBe(0);
    for (let i = frames.length - 4; i < frames.length; i++) expect(Buffer.compare(frames[i]!, frames[frames.length - 1]!)).toBe(0);
  });

  for (const format of ['mp4', 'gif'] as const) {
    it(`fades from and to black on ${format}, ramping monotonically`, async () => {
      const out = join(dir, `fade.${format}`);
      await render({ ...walk, image, fade_in_s: 0.5, fade_out_s: 0.4, output_format: format }, { output: out, ...lossless });
      const frames = format === 'mp4' ? await decodeLuma(out, S, S) : await decodeGif(out);
      expect(frames).toHaveLength(21);
      const black = format === 'mp4' ? 17 : 1;
      expect(Math.max(...frames[0]!)).toBeLessThanOrEqual(black);
      expect(Math.max(...frames[20]!)).toBeLessThanOrEqual(black);
      const m = frames.map(mean);
      for (let i = 1; i <= 5; i++) expect(m[i]!).toBeGreaterThan(m[i - 1]!);
      for (let i = 17; i <= 20; i++) expect(m[i]!).toBeLessThan(m[i - 1]!);
    });
  }
});

/** A gif's frames as RGB bytes (black is 0). */
async function decodeGif(path: string): Promise<Uint8Array[]> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const size = S * S * 3;
  const out: Uint8Array[] = [];
  for (let o = 0; o + size <= stdout.length; o += size) out.push(new Uint8Array(stdout.subarray(o, o + size)));
  return out;
}

describe('audio', () => {
  let tone: string;
  let longTone: string;
  beforeAll(async () => {
    tone = join(dir, 'tone.wav');
    longTone = join(dir, 'long.wav');
    await run(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=0.8', '-y', tone]);
    await run(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=220:sample_rate=44100:duration=5', '-y', longTone]);
  });

  for (const [format, codec] of [['mp4', 'aac'], ['webm', 'opus']] as const) {
    it(`muxes one ${codec} stream as long as the picture into ${format}, leaving the video stream untouched`, async () => {
      const plain = join(dir, `plain.${format}`);
      await render({ ...walk, image, output_format: format }, { output: plain, ...lossless });
      const seconds = 21 / 10;
      for (const [name, source] of [['short', tone], ['long', longTone]] as const) {
        const out = join(dir, `${name}.${format}`);
        await render({ ...walk, image, output_format: format, audio: source, audio_volume: 0.5, audio_fade_out_s: 0.5 }, { output: out, ...lossless });
        const s = await streams(out);
        expect(s.listing.match(/Stream #\d+:\d+[^:]*: Audio: /g)).toHaveLength(1);
        expect(s.listing).toMatch(new RegExp(`Audio: ${codec}`));
        expect(Math.abs(s.audioSeconds - seconds)).toBeLessThanOrEqual(1 / 10);
        expect(s.videoPackets).toBe((await streams(plain)).videoPackets);
      }
    });
  }

  it('fails before rendering when the audio file has no audio stream or is missing', async () => {
    let engineCalls = 0;
    const counting: OutpaintEngine = { name: 'counting', outpaint: async () => { engineCalls++; throw new Error('not reached'); } };
    await expect(render({ ...walk, image, audio: image }, { output: join(dir, 'x.mp4'), engine: counting })).rejects.toThrow(/audio: (the file has no audio stream|not an audio)/);
    await expect(render({ ...walk, image, audio: join(dir, 'none.wav') }, { output: join(dir, 'x.mp4'), engine: counting })).rejects.toBeInstanceOf(ValidationError);
    expect(engineCalls).toBe(0);
  });
});

describe('watermark', () => {
  it('composites the mark at its place in every frame, at the given opacity within 2 levels', async () => {
    const mark = join(dir, 'mark.png');
    await sharp({ create: { width: 40, height: 20, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } }).png().toFile(mark);
    const plain = join(dir, 'wm-plain.mp4');
    const marked = join(dir, 'wm.mp4');
    await render({ ...walk, image }, { output: plain, ...lossless });
    await render({ ...walk, image, watermark: mark, watermark_position: 'bottom-right', watermark_scale: 0.25, watermark_opacity: 0.5 }, { output: marked, ...lossless });
    const a = await decodeLuma(plain, S, S);
    const b = await decodeLuma(marked, S, S);
    // 0.25 × 128 = 32 × 16 px; margin round(0.03 × 128) = 4: x 92 … 123, y 108 … 123.
    const [x0, y0, w, h] = [92, 108, 32, 16];
    const red = 16 + 65.481;
    for (const f of [0, 15]) {
      for (let y = 0; y < S; y++) {
        for (let x = 0; x < S; x++) {
          const i = y * S + x;
          const inside = x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
          if (inside) expect(Math.abs(b[f]![i]! - (a[f]![i]! + (red - a[f]![i]!) * 0.5))).toBeLessThanOrEqual(2);
          else expect(b[f]![i]).toBe(a[f]![i]);
        }
      }
    }
  });
});

describe('output_scale', () => {
  it('encodes 2·W × 2·H while the engine works at W × H', async () => {
    const mirror = await createEngine('mirror', {});
    const sizes: string[] = [];
    const checking: OutpaintEngine = {
      name: 'size-check',
      outpaint: (task, signal) => {
        sizes.push(`${task.image.width}x${task.image.height}`);
        return mirror.outpaint(task, signal);
      },
    };
    const out = join(dir, 'scaled.mp4');
    const result = await render({ image, width: 512, height: 512, walk_type: ['backward', 'backward'], translation_factor: 0.1, num_interpolation_steps: 3, fps: 10, seed: 1, output_scale: 2 }, { output: out, engine: checking });
    expect(sizes).toEqual(['512x512', '512x512']);
    expect(result.outputs[0]).toMatchObject({ width: 1024, height: 1024, frames: 7 });
    expect(await probe(out)).toMatchObject({ width: 1024, height: 1024, frames: 7 });
  });
});
