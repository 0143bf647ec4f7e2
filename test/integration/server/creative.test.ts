// A v5 walk with `audio` (a WAV served from 127.0.0.1, fetched through the SSRF guard with private
// URLs allowed for the test) and an inline PNG `watermark`, over HTTP against a real server: the
// video has one AAC stream as long as the picture (within one frame) and the mark in its corner;
// an audio URL answering 404 is a 422 naming `audio`, with nothing queued and no input left behind.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import type { JobQueue } from '../../../src/server/jobs/types.js';
import { ffmpegPath } from '../../../src/video/ffmpeg-path.js';
import { probe } from '../../helpers/video.js';

const run = promisify(execFile);
const SAMPLE = join(import.meta.dirname, '..', '..', '..', 'samples', 'mountain-autumn.jpg');
const W = 128;
const H = 96;
const FPS = 12;

let dir: string;
let app: FastifyInstance;
let queue: JobQueue;
let base: string;
let files: Server;
let filesUrl: string;
let image: string;
let mark: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-server-creative-'));
  const wav = join(dir, 'tone.wav');
  await run(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=3', '-y', wav]);
  const tone = await readFile(wav);
  files = createServer((req, res) => {
    if (req.url === '/tone.wav') res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': tone.length }).end(tone);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  files.listen(0, '127.0.0.1');
  await new Promise((r) => files.once('listening', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  ({ app, queue } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'data'), engine: 'mirror', auth: { open: true, keys: [] }, allowPrivateUrls: true }));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  image = `data:image/jpeg;base64,${(await readFile(SAMPLE)).toString('base64')}`;
  // An opaque pure-green square: easy to find in the frames whatever the picture around it.
  const png = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 255, b: 0, alpha: 1 } } }).png().toBuffer();
  mark = `data:image/png;base64,${png.toString('base64')}`;
});
afterAll(async () => {
  await app?.close();
  await new Promise((r) => files?.close(r));
  await rm(dir, { recursive: true, force: true });
});

const post = async (body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Polls the v5 fetch route until the job has ended. */
async function finished(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${base}/api/v5/fetch/${id}`, { method: 'POST' });
    const body = (await res.json()) as Record<string, unknown>;
    if (body['status'] !== 'processing' && body['status'] !== 'queued') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not finish`);
}

/** The streams ffmpeg finds in a file (the listing ffprobe prints), and the decoded audio's length in seconds. */
async function streams(path: string): Promise<{ audio: string[]; audioSeconds: number }> {
  const { stderr } = await run(ffmpegPath(), ['-hide_banner', '-i', path, '-f', 'null', '-'], { maxBuffer: 1 << 26 });
  const listing = stderr.split(/Stream mapping|Output #0/)[0]!;
  const pcm = await run(ffmpegPath(), ['-v', 'error', '-i', path, '-map', '0:a:0', '-f', 's16le', '-ac', '1', '-ar', '48000', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  return { audio: listing.match(/Stream #\d+:\d+[^:]*: Audio: [^\n]*/g) ?? [], audioSeconds: pcm.stdout.length / 2 / 48000 };
}

/** Frame `index` of a video as RGB bytes. */
async function rgbFrame(path: string, index: number): Promise<Uint8Array> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  return new Uint8Array(stdout.subarray(index * W * H * 3, (index + 1) * W * H * 3));
}

const walk = { walk_type: ['backward', 'left'], width: W, height: H, num_interpolation_steps: 6, fps: FPS, seed: 5 };

describe('v5 walk with audio and a watermark', () => {
  it('muxes one AAC stream as long as the picture and draws the watermark into the frames', async () => {
    const submitted = await post({ ...walk, image, audio: `${filesUrl}/tone.wav`, audio_volume: 0.5, audio_fade_out_s: 0.3, watermark: mark, watermark_position: 'bottom-right', watermark_scale: 0.25 });
    expect(submitted.status).toBe(200);
    const done = await finished(submitted.body['id'] as string);
    expect(done['status']).toBe('success');
    const res = await fetch((done['output'] as string[])[0]!);
    expect(res.status).toBe(200);
    const video = join(dir, 'out.mp4');
    await writeFile(video, Buffer.from(await res.arrayBuffer()));

    const frames = 1 + 2 * 6;
    expect(await probe(video)).toMatchObject({ frames, width: W, height: H });
    const s = await streams(video);
    expect(s.audio).toHaveLength(1);
    expect(s.audio[0]).toMatch(/Audio: aac/);
    // The 3 s tone is cut to the picture: 13 frames at 12 fps.
    expect(Math.abs(s.audioSeconds - frames / FPS)).toBeLessThanOrEqual(1 / FPS);
    // The mark: 0.25 × 128 = 32 px wide, 3 % of the short side (3 px) from the bottom-right corner.
    for (const index of [0, frames - 1]) {
      const rgb = await rgbFrame(video, index);
      const at = (x: number, y: number) => Array.from(rgb.subarray((y * W + x) * 3, (y * W + x) * 3 + 3));
      const [r, g, b] = at(W - 3 - 16, H - 3 - 16);
      expect(g!).toBeGreaterThan(200);
      expect(Math.max(r!, b!)).toBeLessThan(80);
      // Outside it, the picture.
      expect(at(W - 3 - 16, H - 3 - 40)).not.toEqual(at(W - 3 - 16, H - 3 - 16));
    }
    expect(done['meta']).toMatchObject({ frames, audio: true, watermark: true, output_width: W, output_height: H });
  });

  it('refuses an audio URL that answers 404 with a 422 naming audio, queuing nothing and keeping no input', async () => {
    const inputs = join(dir, 'data', 'inputs');
    const before = { jobs: (await queue.list(500)).length, inputs: readdirSync(inputs).length };
    const r = await post({ ...walk, image, audio: `${filesUrl}/missing.wav`, watermark: mark });
    expect(r.status).toBe(422);
    expect(String(r.body['message'])).toMatch(/^audio: http:\/\/127\.0\.0\.1:\d+\/missing\.wav answered HTTP 404$/);
    expect(r.body['errors']).toEqual([{ field: 'audio', message: expect.stringMatching(/answered HTTP 404$/) as unknown }]);
    expect((await queue.list(500)).length).toBe(before.jobs);
    // The image stored before the audio was fetched is removed once the 422 is sent (releaseOnFailure).
    await expect.poll(() => readdirSync(inputs).length).toBe(before.inputs);
  });
});
