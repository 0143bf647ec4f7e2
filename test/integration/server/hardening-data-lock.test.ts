import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZoomwalkError } from '../../../src/errors.js';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { acquireDataLock } from '../../../src/server/data-lock.js';

// Two servers on one --data: the second refuses to start, naming the first's pid.
const root = join(import.meta.dirname, '..', '..', '..');
const entry = join(root, 'test', 'helpers', 'cli.ts');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const children: ChildProcess[] = [];
let dir: string;

/** Starts `zoomwalk serve` on `data`; resolves with its URL, or with its exit code and stderr if it exits first. */
function serve(data: string): Promise<{ child: ChildProcess; base?: string; code?: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsx, entry, 'serve', '--no-auth', '--port', '0', '--data', data, '--engine', 'mirror'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve) => {
    let out = '';
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) resolve({ child, base: m[1]!, stderr });
    });
    child.on('exit', (code) => resolve({ child, code, stderr }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-lock-'));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('data directory lock', () => {
  it('a second zoomwalk serve on the same --data exits 1 naming the first one’s pid; the first keeps serving', async () => {
    const data = join(dir, 'shared');
    const first = await serve(data);
    expect(first.base).toBeDefined();
    const second = await serve(data);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`in use by another zoomwalk serve (pid ${first.child.pid})`);
    expect(readlinkSync(join(data, 'lock'))).toBe(`pid-${first.child.pid}`);
    expect((await request(`${first.base}/health`)).statusCode).toBe(200);

    // A server killed without releasing its lock leaves it stale: the next one takes it over.
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const third = await serve(data);
    expect(third.base).toBeDefined();
    expect(readlinkSync(join(data, 'lock'))).toBe(`pid-${third.child.pid}`);
    third.child.kill('SIGTERM');
    await new Promise((r) => third.child.once('exit', r));
  }, 60_000);

  it('refuses a second server in the same process, and lets one start after the first closed', async () => {
    const data = join(dir, 'in-process');
    const options = { ...DEFAULT_SERVER_OPTIONS, dataDir: data, engine: 'mirror', auth: { open: true, keys: [] } };
    const first = buildServer(options);
    let refusal: unknown;
    try {
      buildServer(options);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toBeInstanceOf(ZoomwalkError);
    expect(refusal).toMatchObject({ code: 'ZW_DATA_LOCKED', message: expect.stringContaining(`(pid ${process.pid})`) });
    await first.app.close();
    const again = buildServer(options);
    await again.app.close();
  });

  it('takes over a lock whose pid is not alive, or is this pid left by an earlier run (a container’s pid 1)', () => {
    for (const [name, stale] of [['dead', 'pid-2147483646'], ['self', `pid-${process.pid}`]] as const) {
      const data = join(dir, name);
      const release = acquireDataLock(data);
      release();
      symlinkSync(stale, join(data, 'lock'));
      const again = acquireDataLock(data);
      expect(readlinkSync(join(data, 'lock'))).toBe(`pid-${process.pid}`);
      again();
    }
  });
});
