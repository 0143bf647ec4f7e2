import { existsSync, linkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ValidationError } from '../../src/errors.js';
import { outpaint } from '../../src/render/outpaint.js';
import { render } from '../../src/render/render.js';
import { orientation6Jpeg, quadrantColours, rgbOf, uprightError } from '../helpers/orientation.js';

let dir: string;
let photo: string;
let stderr: string[];

/** Runs the CLI in this process; resolves with its exit code, stderr collected. */
async function cli(...args: string[]): Promise<number> {
  return main(args);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-cli-inputs-'));
  photo = join(dir, 'photo.jpg');
  await writeFile(photo, await orientation6Jpeg(48, 32));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function capture(): void {
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (stderr.push(String(s)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
}

async function requestFile(name: string, body: Record<string, unknown>): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify({ image: photo, walk_type: ['left'], width: 64, height: 96, width_translation_per_step: 8, num_interpolation_steps: 2, fps: 4, seed: 1, ...body }));
  return path;
}

describe('zoomwalk render never writes over its inputs or under the wrong extension', () => {
  it('refuses -o naming the request’s own image (exit 2, both paths named) and leaves it untouched', async () => {
    const req = await requestFile('req.json', {});
    const before = await readFile(photo);
    capture();
    expect(await cli('render', req, '-o', photo, '--engine', 'mirror')).toBe(2);
    expect(stderr.join('')).toContain(`refusing to write the output "${photo}" over the request's image "${photo}"`);
    expect((await readFile(photo)).equals(before)).toBe(true);
  });

  it('refuses -o naming the request file, also through a relative path and a hard link', async () => {
    const req = await requestFile('req2.json', {});
    const text = await readFile(req, 'utf8');
    capture();
    expect(await cli('render', req, '-o', req, '--engine', 'mirror')).toBe(2);
    expect(stderr.join('')).toMatch(/over the request file/);
    const link = join(dir, 'link.mp4');
    const video = await requestFile('req3.mp4', {});
    linkSync(video, link);
    expect(await cli('render', video, '-o', link, '--engine', 'mirror')).toBe(2);
    expect(await cli('render', req, '-o', join(dir, '.', 'sub', '..', 'req2.json'), '--engine', 'mirror')).toBe(2);
    expect(await readFile(req, 'utf8')).toBe(text);
  });

  it('an extension that disagrees with the request’s output_format is an error; without output_format it picks the format', async () => {
    const mp4 = await requestFile('mp4.json', { output_format: 'mp4' });
    capture();
    expect(await cli('render', mp4, '-o', join(dir, 'x.gif'), '--engine', 'mirror')).toBe(2);
    expect(stderr.join('')).toContain('the extension ".gif" does not match the output format mp4');
    expect(existsSync(join(dir, 'x.gif'))).toBe(false);
    expect(await cli('render', mp4, '-o', join(dir, 'x.jpg'), '--engine', 'mirror')).toBe(2);
    // No output_format: .gif picks gif, and the file holds GIF bytes.
    const plain = await requestFile('plain.json', {});
    expect(await cli('render', plain, '-o', join(dir, 'x.gif'), '--engine', 'mirror')).toBe(0);
    expect((await readFile(join(dir, 'x.gif'))).subarray(0, 6).toString()).toBe('GIF89a');
  });

  it('renders an orientation-6 JPEG upright (CLI, png output)', async () => {
    const req = await requestFile('upright.json', { as_video: 'no' });
    capture();
    const out = join(dir, 'upright.png');
    expect(await cli('render', req, '-o', out, '--engine', 'mirror')).toBe(0);
    expect(uprightError(quadrantColours(await rgbOf(out), 8, 0, 64, 96))).toBeLessThan(40);
  });
});

describe('zoomwalk outpaint never writes over its inputs', () => {
  it('refuses -o naming the input image or the mask, and an extension it cannot write', async () => {
    const mask = join(dir, 'mask.png');
    await sharp({ create: { width: 32, height: 48, channels: 3, background: '#000' } }).png().toFile(mask);
    const before = await readFile(photo);
    capture();
    expect(await cli('outpaint', photo, '--left', '8', '-o', photo, '--engine', 'mirror')).toBe(2);
    expect(stderr.join('')).toContain(`over the input image "${photo}"`);
    expect(await cli('outpaint', photo, '--mask', mask, '-o', mask, '--engine', 'mirror')).toBe(2);
    expect(stderr.join('')).toContain(`over the mask "${mask}"`);
    expect(await cli('outpaint', photo, '--left', '8', '-o', join(dir, 'out.mp4'), '--engine', 'mirror')).toBe(2);
    expect(stderr.join('')).toContain('the extension must be one of .png, .jpg, .jpeg, .webp');
    expect((await readFile(photo)).equals(before)).toBe(true);
  });

  it('outpaints an orientation-6 JPEG upright (CLI and library)', async () => {
    capture();
    const out = join(dir, 'outpainted.png');
    expect(await cli('outpaint', photo, '--left', '16', '-o', out, '--engine', 'mirror')).toBe(0);
    const img = await rgbOf(out);
    expect([img.width, img.height]).toEqual([48, 48]);
    expect(uprightError(quadrantColours(img, 16, 0, 32, 48))).toBeLessThan(40);
    const lib = await outpaint(photo, { up: 8, engine: 'mirror', seed: 1 });
    expect([lib.image.width, lib.image.height]).toEqual([32, 56]);
    expect(uprightError(quadrantColours(lib.image, 0, 8, 32, 48))).toBeLessThan(40);
  });
});

describe('library: transparency and engine_options', () => {
  it('a transparent input: the walk’s first keyframe is outpainted where it is transparent', async () => {
    const rgba = Buffer.alloc(64 * 64 * 4);
    for (let p = 0; p < 64 * 64; p++) if (p % 64 >= 32) rgba.fill(255, p * 4, p * 4 + 4);
    const cutout = join(dir, 'cutout.png');
    await sharp(rgba, { raw: { width: 64, height: 64, channels: 4 } }).png().toFile(cutout);
    const keyframes: { data: Uint8Array }[] = [];
    await render({ image: cutout, walk_type: ['left'], width: 64, height: 64, width_translation_per_step: 8, as_video: 'no', seed: 1 }, { output: join(dir, 'cutout-walk.png'), engine: 'mirror', onKeyframe: (_i, img) => keyframes.push({ data: img.data.slice() }) });
    const out = await rgbOf(join(dir, 'cutout-walk.png'));
    // The transparent half, moved 8 px right by the left step, is generated from white, not black.
    let sum = 0;
    for (let y = 0; y < 64; y++) for (let x = 16; x < 32; x++) sum += out.data[(y * 64 + x) * 3]!;
    expect(sum / (64 * 16)).toBeGreaterThan(200);
  });

  it('refuses engine_options the engine does not declare, before any connection', async () => {
    const err = await render({ image: photo, walk_type: ['left'], engine_options: { steps: 999, sd_sampler: 'x' } }, { output: join(dir, 'never.mp4'), engine: 'iopaint' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([{ path: 'engine_options.steps', message: expect.stringMatching(/^is not accepted; the options of engine "iopaint" are sd_sampler, /) }]);
  });
});
