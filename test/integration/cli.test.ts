import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { texturedImage, writePng } from '../helpers/images.js';
import { probe } from '../helpers/video.js';

const entry = join(import.meta.dirname, '..', 'helpers', 'cli.ts');
// Absolute, because the CLI runs with the temp dir as its working directory.
const tsx = pathToFileURL(join(import.meta.dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, entry, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
let image: string;
let closedPort = 0;
const request = async (name: string, body: unknown): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(body));
  return path;
};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-cli-'));
  image = await writePng(texturedImage(128, 128), join(dir, 'in.png'));
  // A port that was just free: connecting to it is refused.
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  closedPort = (server.address() as AddressInfo).port;
  server.close();
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const small = { width: 64, height: 64, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 1 };

describe('zoomwalk CLI', () => {
  it('renders a request file: the path on stdout, progress on stderr, exit 0', async () => {
    const req = await request('ok.json', { image, walk_type: ['backward', 'left'], ...small });
    const out = join(dir, 'ok.mp4');
    const r = await cli(['render', req, '-o', out, '--engine', 'mirror'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    expect(r.stderr).toMatch(/frames 9\/9/);
    expect((await probe(out)).frames).toBe(9);
  });

  it('prints a JSON result with meta under --json, and records a random seed', async () => {
    const req = await request('json.json', { image, walk_type: ['up'], ...small, seed: null });
    const r = await cli(['render', req, '-o', join(dir, 'j.mp4'), '--engine', 'mirror', '--json'], dir);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { status: string; output: string[]; meta: { seed: number; frames: number; walk_type: string[] } };
    expect(body.status).toBe('success');
    expect(body.meta.frames).toBe(5);
    expect(body.meta.walk_type).toEqual(['up']);
    expect(r.stderr).toContain(`random seed ${body.meta.seed}`);
  });

  it('applies --preset and --image, the request overriding the preset', async () => {
    const req = await request('preset.json', { walk_type: ['left'], width: 64, height: 64, width_translation_per_step: 8, fps: 10, seed: 3 });
    const out = join(dir, 'preset.mp4');
    const r = await cli(['render', req, '--preset', 'panorama', '--image', image, '-o', out, '--engine', 'mirror', '--json'], dir);
    expect(r.code).toBe(0);
    const meta = (JSON.parse(r.stdout) as { meta: Record<string, unknown> }).meta;
    // From the preset: interpolation steps and the vertical translation; from the request: the rest.
    expect(meta).toMatchObject({ preset: 'panorama', width: 64, fps: 10, num_interpolation_steps: 60, width_translation_per_step: 8, height_translation_per_step: 32 });
    expect((await probe(out)).frames).toBe(61);
  });

  it.each([
    ['an unknown walk type', { walk_type: ['sideways'] }, 2, /walk_type\[0\]: "sideways" is not one of left, right, up, down, backward/],
    ['width 5000', { walk_type: ['left'], width: 5000 }, 2, /width: 5000 is above the maximum 2048/],
    ['fps 0', { walk_type: ['left'], fps: 0 }, 2, /fps: 0 is below the minimum 1/],
    ['as_video "maybe"', { walk_type: ['left'], as_video: 'maybe' }, 2, /as_video: "maybe" is not one of yes, no/],
    ['a missing image file', { walk_type: ['left'], image: 'no-such.png' }, 1, /image: cannot read "no-such.png": no such file/],
    ['an unreachable URL', { walk_type: ['left'], image: 'http://127.0.0.1:CLOSED/x.png' }, 1, /image: could not fetch http:\/\/127.0.0.1:\d+\/x.png: ECONNREFUSED/],
  ])('rejects %s with one clear line and the right exit code', async (_, fields, code, message) => {
    const withPort = JSON.parse(JSON.stringify(fields).replace('CLOSED', String(closedPort))) as object;
    const req = await request('bad.json', { image, ...small, ...withPort });
    const sub = await mkdtemp(join(dir, 'bad-'));
    const r = await cli(['render', req, '-o', join(sub, 'bad.mp4'), '--engine', 'mirror'], dir);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await readdir(sub)).toEqual([]);
  });

  it('shows the stack with --verbose', async () => {
    const req = await request('bad2.json', { image: 'no-such.png', walk_type: ['left'], ...small });
    const r = await cli(['render', req, '--verbose', '--engine', 'mirror'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('exits 2 on usage errors: missing argument, unreadable or invalid request file, unknown engine', async () => {
    expect((await cli(['render'], dir)).code).toBe(2);
    expect((await cli(['render', join(dir, 'nope.json')], dir)).stderr).toMatch(/cannot read request file/);
    const notJson = join(dir, 'x.json');
    await writeFile(notJson, '{oops');
    expect(await cli(['render', notJson], dir)).toMatchObject({ code: 2 });
    const req = await request('eng.json', { image, walk_type: ['left'], ...small });
    const r = await cli(['render', req, '--engine', 'nope'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown engine "nope"; known: .*mirror/);
  });

  it('refuses to serve without keys, or without auth on a non-loopback host', async () => {
    const env = { ...process.env, ZOOMWALK_API_KEYS: '' };
    const noKeys = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', tsx, entry, 'serve', '--port', '0', '--data', join(dir, 'srv')], { cwd: dir, env }, (err, _o, stderr) => resolve({ code: typeof err?.code === 'number' ? err.code : 0, stderr })),
    );
    expect(noKeys).toMatchObject({ code: 2 });
    expect(noKeys.stderr).toMatch(/set ZOOMWALK_API_KEYS/);
    const open = await cli(['serve', '--no-auth', '--host', '0.0.0.0', '--port', '0', '--data', join(dir, 'srv')], dir);
    expect(open.code).toBe(2);
    expect(open.stderr).toMatch(/--no-auth is only allowed on a loopback host, not 0.0.0.0/);
  });

  it('exits 2 naming the variable when a remote engine has no key', async () => {
    const req = await request('remote.json', { image, walk_type: ['left'], ...small });
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', tsx, entry, 'render', req, '--engine', 'picsart'], { cwd: dir, env: { ...process.env, ZOOMWALK_PICSART_KEY: '' } }, (err, _o, stderr) =>
        resolve({ code: typeof err?.code === 'number' ? err.code : 0, stderr }),
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('zoomwalk: error: engine "picsart" needs an API key: set ZOOMWALK_PICSART_KEY');
  });

  it('lists the presets', async () => {
    const r = await cli(['presets'], dir);
    expect(r.code).toBe(0);
    for (const name of ['infinite-zoom-out', 'panorama', 'vertical-9x16', 'square-social']) expect(r.stdout).toContain(name);
  });
});
