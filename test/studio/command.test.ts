// `zoomwalk studio`: the server on 127.0.0.1 without a key, its URL on stdout, the page at /.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStudioOnce } from '../support/browser.js';

const entry = join(import.meta.dirname, '..', 'helpers', 'cli.ts');
const tsx = pathToFileURL(join(import.meta.dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
let dir: string;

beforeAll(async () => {
  buildStudioOnce();
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-studio-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('zoomwalk studio', () => {
  it('prints a loopback URL that serves the page and answers without a key, and stops on SIGTERM', async () => {
    const env = { ...process.env, ZOOMWALK_API_KEYS: '', DISPLAY: '', WAYLAND_DISPLAY: '' };
    const child = spawn(process.execPath, ['--import', tsx, entry, 'studio', '--port', '0', '--data', join(dir, 'data'), '--open'], { cwd: dir, env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const url = line.toString().trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await (await fetch(url)).text()).toContain('zoomwalk studio');
    const config = (await (await fetch(`${url}api/studio/config`)).json()) as { engines: string[]; key_required: boolean };
    expect(config).toMatchObject({ engines: ['classical', 'mirror'], key_required: false });
    expect((await fetch(`${url}api/jobs?limit=1`)).status).toBe(200);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    // No desktop in the test: --open says so instead of failing.
    expect(stderr).toMatch(/no desktop to open a browser on/);
  });

  it('refuses a bad port', async () => {
    const child = spawn(process.execPath, ['--import', tsx, entry, 'studio', '--port', 'x', '--data', join(dir, 'data')], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port: "x" must be 0–65535/);
  });
});
