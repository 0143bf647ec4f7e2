import { execFile } from 'node:child_process';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createMirrorEngine } from '../../src/engines/mirror.js';
import { registerEngine } from '../../src/engines/registry.js';
import { WALK_SYNTAX } from '../../src/request/walk-syntax.js';
import { texturedImage, writePng } from '../helpers/images.js';
import { probe } from '../helpers/video.js';

const root = join(import.meta.dirname, '..', '..');
const entry = join(root, 'test', 'helpers', 'cli.ts');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const forest = join(root, 'samples', 'forest-path.jpg');

function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, entry, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-cli-walk-'));
  image = await writePng(texturedImage(128, 128), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('zoomwalk render <image> --walk (no request file)', () => {
  it('renders samples/forest-path.jpg with --walk "backward*3,left" --fps 24 to out/forest-path.mp4', async () => {
    const r = await cli(['render', forest, '--walk', 'backward*3,left', '--fps', '24', '--engine', 'mirror', '--seed', '1'], dir);
    expect(r.code).toBe(0);
    const out = join('out', 'forest-path.mp4');
    expect(r.stdout.trim()).toBe(out);
    // 1 + 4 steps × 60 interpolation frames (the default), 512² (the default size), at 24 fps.
    const v = await probe(join(dir, out));
    expect(v).toMatchObject({ frames: 241, width: 512, height: 512 });
    expect(v.seconds).toBeCloseTo(241 / 24, 1);
  });

  it('lets flags override the request file', async () => {
    const req = join(dir, 'over.json');
    await writeFile(req, JSON.stringify({ image, walk_type: ['left'], width: 64, height: 64, fps: 8, num_interpolation_steps: 4, seed: 1, prompt: 'a' }));
    const out = join(dir, 'over.webm');
    const r = await cli(['render', req, '--walk', 'up*2', '--fps', '12', '--size', '96x64', '--format', 'webm', '--prompt', '{"1": "b"}', '--engine', 'mirror', '-o', out, '--json'], dir);
    expect(r.code).toBe(0);
    const meta = (JSON.parse(r.stdout) as { meta: Record<string, unknown> }).meta;
    // From the flags: walk, fps, size, format, prompt schedule; from the file: the interpolation steps and seed.
    expect(meta).toMatchObject({ walk_type: ['up', 'up'], fps: 12, width: 96, height: 64, output_format: 'webm', num_interpolation_steps: 4, seed: 1, prompt: ['', 'b'] });
    expect(await probe(out)).toMatchObject({ frames: 9, width: 96, height: 64 });
  });

  it('takes a request file without the .json extension by its content, and an image by its extension', async () => {
    const req = join(dir, 'request.txt');
    await writeFile(req, ` \n{"image": ${JSON.stringify(image)}, "walk_type": "left", "width": 64, "height": 64, "num_interpolation_steps": 2}`);
    const planned = await cli(['render', req, '--dry-run', '--json'], dir);
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.stdout)).toMatchObject({ walk: 'left', frames: 3, outputs: [join('out', 'request.mp4')] });
    const noWalk = await cli(['render', image], dir);
    expect(noWalk.code).toBe(2);
    expect(noWalk.stderr).toMatch(/is an image: say how to walk with --walk/);
  });

  it.each([['sideways'], ['backward*0'], ['left,,up'], ['backward*']])('exits 2 on --walk %j, showing the accepted syntax', async (walk) => {
    const sub = await mkdtemp(join(dir, 'badwalk-'));
    const r = await cli(['render', image, '--walk', walk, '--engine', 'mirror', '-o', join(sub, 'x.mp4')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`zoomwalk: error: --walk: "${walk}"`);
    expect(r.stderr).toContain(WALK_SYNTAX);
    expect(await readdir(sub)).toEqual([]);
  });

  it('exits 2 on a flag value that is not a number', async () => {
    const r = await cli(['render', image, '--walk', 'left', '--fps', 'fast'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('zoomwalk: error: --fps: "fast" must be an integer');
  });

  it('--sheet writes a PNG grid of the keyframes: 5 keyframes of 256² in 3 columns and 2 rows', async () => {
    const out = join(dir, 'sheet.mp4');
    const sheet = join(dir, 'sheets', 'walk.png');
    const r = await cli(['render', forest, '--walk', 'backward*3,left', '--size', '256x256', '--interpolation', '2', '--engine', 'mirror', '-o', out, '--sheet', sheet], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`contact sheet ${sheet}`);
    const meta = await sharp(sheet).metadata();
    // 3 × 256 + 4 gaps of 8 wide; 2 × (256 + a 20 px label) + 3 gaps high.
    expect(meta).toMatchObject({ format: 'png', width: 800, height: 576 });
    // Cell 0 is the fitted input; the empty sixth cell is the sheet's background.
    const { data, info } = await sharp(sheet).raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number): number[] => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    const fitted = await sharp(forest).resize(256, 256, { fit: 'cover' }).raw().toBuffer();
    expect(at(8 + 128, 8 + 128).every((c, i) => Math.abs(c - fitted[(128 * 256 + 128) * 3 + i]!) < 40)).toBe(true);
    expect(at(8 + 2 * 264 + 128, 8 + 284 + 128)).toEqual([32, 32, 32]);
  });
});

describe('zoomwalk render --dry-run', () => {
  let created = 0;
  beforeAll(() => {
    registerEngine('counting', () => {
      created++;
      return createMirrorEngine();
    });
  });
  afterEach(() => vi.restoreAllMocks());

  /** Runs the CLI in this process (so the counting engine is registered) and returns its exit code and stdout. */
  async function inProcess(args: string[]): Promise<{ code: number; stdout: string }> {
    let stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(args);
    return { code, stdout };
  }

  it('--json prints the plan and creates no engine, reads no image and writes no file', async () => {
    const out = join(dir, 'dry', 'never.mp4');
    const r = await inProcess(['render', join(dir, 'no-such-photo.jpg'), '--walk', 'backward*2,left', '--size', '200x100', '--translation', '10', '--interpolation', '5', '--fps', '10', '--engine', 'counting', '-o', out, '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(created).toBe(0);
    expect(await exists(join(dir, 'dry'))).toBe(false);
    const plan = JSON.parse(r.stdout) as Record<string, unknown> & { steps: { kind: string; translation: { x: number; y: number }; shrink: number; viewport: { x: number; y: number; scale: number } }[] };
    expect(plan).toMatchObject({ outputs: [out], engine: 'counting', width: 200, height: 100, fps: 10, walk: 'backward*2,left', frames: 16, durationSeconds: 1.6, keyframes: 4 });
    // Backward with 10 px on a 200×100 view: s = 1 − 2·max(10/200, 10/100) = 0.8, the view grows by 1/s about its centre.
    expect(plan.steps.map((s) => s.kind)).toEqual(['backward', 'backward', 'left']);
    expect(plan.steps[0]).toMatchObject({ translation: { x: 10, y: 10 }, shrink: 0.8, viewport: { x: -25, y: -12.5, scale: 1.25 } });
    expect(plan.steps[2]).toMatchObject({ translation: { x: 10, y: 0 }, shrink: 1 });
    expect(plan.steps[2]!.viewport.x).toBeCloseTo(plan.steps[1]!.viewport.x - 10 * plan.steps[1]!.viewport.scale, 3);
  });

  it('prints the plan as text without --json', async () => {
    const r = await inProcess(['render', image, '--walk', 'back*2', '--size', '64x64', '--translation', '8', '--interpolation', '3', '--fps', '6', '--engine', 'counting', '--dry-run']);
    expect(r.code).toBe(0);
    expect(created).toBe(0);
    expect(r.stdout).toMatch(/walk\s+backward\*2 \(2 steps, 3 keyframes\)/);
    expect(r.stdout).toMatch(/frames\s+7 at 6 fps = 1.1667 s/);
    expect(r.stdout.split('\n').filter((l) => /^\d\s+backward/.test(l))).toHaveLength(2);
  });

  it('the counting engine does count: a real render creates it once', async () => {
    const r = await inProcess(['render', image, '--walk', 'left', '--size', '64x64', '--interpolation', '2', '--engine', 'counting', '-o', join(dir, 'counted.mp4')]);
    expect(r.code).toBe(0);
    expect(created).toBe(1);
  });
});
