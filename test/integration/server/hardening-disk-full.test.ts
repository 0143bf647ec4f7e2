import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, statfsSync, writeSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { DISK_FULL_JOB_MESSAGE } from '../../../src/server/jobs/disk-full.js';
import { texturedImage, writePng } from '../../helpers/images.js';

// Full disk, two ways: faults injected where the OS and SQLite report "no space" (always runs), and
// a real tmpfs filled to the last byte (when this process may mount one; CI runs as root).
const faults = vi.hoisted(() => ({ checkpoint: false, input: false, sqliteUpdate: false, sqliteInsert: false }));

function enospc(path: unknown): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, write '${String(path)}'`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof fs.writeFileSync = (file, data, options) => {
    if (faults.checkpoint && String(file).includes('checkpoints')) throw enospc(file);
    return fs.writeFileSync(file, data, options);
  };
  return { ...fs, default: { ...fs, writeFileSync }, writeFileSync };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  // A write that runs out of space half-way: half the bytes land, then ENOSPC.
  const writeFile = (async (file: string, data: Buffer, options?: unknown) => {
    if (faults.input && String(file).includes('inputs')) {
      await fsp.writeFile(file, data.subarray(0, data.length >> 1));
      throw enospc(file);
    }
    return fsp.writeFile(file, data, options as never);
  }) as typeof fsp.writeFile;
  return { ...fsp, default: { ...fsp, writeFile }, writeFile };
});

// SQLite's own "database or disk is full", raised by better-sqlite3's statements.
const statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as { run: (...args: unknown[]) => unknown };
const run = statement.run;
statement.run = function (this: { source: string }, ...args: unknown[]) {
  if ((faults.sqliteUpdate && /^UPDATE jobs/.test(this.source)) || (faults.sqliteInsert && /^INSERT/.test(this.source))) {
    throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
  }
  return run.apply(this, args);
};

let dir: string;
let inline: string;

type Server = ReturnType<typeof buildServer> & { base: string };

async function start(data: string): Promise<Server> {
  const built = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: data, engine: 'mirror', auth: { open: false, keys: ['k1'] }, minFreeBytes: 0 });
  return { ...built, base: await built.app.listen({ host: '127.0.0.1', port: 0 }) };
}

async function post(s: Server, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${s.base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k1', ...body }) });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

async function fetchJob(s: Server, id: string): Promise<Record<string, unknown>> {
  const res = await request(`${s.base}/api/v5/fetch/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k1' }) });
  expect(res.statusCode).toBe(200);
  return (await res.body.json()) as Record<string, unknown>;
}

async function ended(s: Server, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const job = await fetchJob(s, id);
    if (job['status'] !== 'processing') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not end`);
}

/** The server still answers reads: health, a fetch, the listing. */
async function expectServing(s: Server, id: string): Promise<void> {
  expect((await request(`${s.base}/health`).then((r) => r.body.json()))).toMatchObject({ status: 'ok', queue: { backend: 'embedded' } });
  expect((await fetchJob(s, id))['id']).toBe(id);
  const list = await request(`${s.base}/api/jobs`, { headers: { 'x-key': 'k1' } });
  expect(list.statusCode).toBe(200);
  expect(((await list.body.json()) as { jobs: { id: string }[] }).jobs.map((j) => j.id)).toContain(id);
}

const WALK = { walk_type: ['left', 'backward', 'right'], width: 256, height: 256, num_interpolation_steps: 4, fps: 8 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-diskfull-'));
  inline = `data:image/png;base64,${(await readFile(await writePng(texturedImage(64, 48), join(dir, 'in.png')))).toString('base64')}`;
});
afterEach(() => {
  Object.assign(faults, { checkpoint: false, input: false, sqliteUpdate: false, sqliteInsert: false });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('full disk (injected ENOSPC and SQLITE_FULL)', () => {
  it('ends the render as error "disk full", keeps serving, answers new submissions 507 without leftovers, and starts again', async () => {
    const data = join(dir, 'injected');
    let s = await start(data);
    faults.checkpoint = true;
    faults.sqliteUpdate = true;
    const { json } = await post(s, { image: inline, ...WALK });
    const id = json['id'] as string;
    const failed = await ended(s, id);
    // The record could not be written (SQLITE_FULL): the server holds it and still answers it.
    expect(failed).toMatchObject({ status: 'error', message: DISK_FULL_JOB_MESSAGE });
    expect(String(failed['message'])).not.toMatch(/\//);
    expect(readdirSync(join(data, 'checkpoints'))).toEqual([]);
    await expectServing(s, id);

    // The job's end is held in memory only, so it keeps its input to run again after a restart.
    const kept = readdirSync(join(data, 'inputs'));
    expect(kept).toHaveLength(1);
    // A submission whose input write runs out of space half-way: 507, no partial file.
    faults.input = true;
    const half = await post(s, { image: inline, ...WALK });
    expect(half.status).toBe(507);
    expect(half.json).toMatchObject({ status: 'error', message: expect.stringMatching(/^disk full: /) });
    expect(readdirSync(join(data, 'inputs'))).toEqual(kept);
    faults.input = false;
    // One whose job cannot be recorded (SQLITE_FULL on insert): 507, its stored input removed.
    faults.sqliteInsert = true;
    const unrecorded = await post(s, { image: inline, ...WALK });
    expect([unrecorded.status, unrecorded.json['message']]).toEqual([507, expect.stringMatching(/^disk full: .*try again once space is freed/)]);
    expect(readdirSync(join(data, 'inputs'))).toEqual(kept);

    // A restart while the disk is still full: the server starts and the job ends as error again.
    await s.app.close();
    s = await start(data);
    expect((await ended(s, id))).toMatchObject({ status: 'error', message: DISK_FULL_JOB_MESSAGE });
    await expectServing(s, id);

    // Space again: submissions work, and the held record reaches the database.
    Object.assign(faults, { checkpoint: false, input: false, sqliteUpdate: false, sqliteInsert: false });
    const ok = await post(s, { image: inline, ...WALK });
    expect(ok.status).toBe(200);
    expect((await ended(s, ok.json['id'] as string))['status']).toBe('success');
    await s.app.close();
    const db = new Database(join(data, 'jobs.sqlite'), { readonly: true });
    expect(db.prepare('SELECT status, error FROM jobs WHERE id = ?').get(id)).toEqual({ status: 'error', error: DISK_FULL_JOB_MESSAGE });
    db.close();
  }, 60_000);
});

/** Mounts a small tmpfs, or says why it cannot. */
function mountTmpfs(): { dir: string } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `not Linux (${process.platform})` };
  const mnt = join(tmpdir(), `zoomwalk-tmpfs-${process.pid}`);
  mkdirSync(mnt, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], { stdio: 'pipe' });
    return { dir: mnt };
  } catch (err) {
    return { reason: `mount -t tmpfs was refused (${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim() || 'not root'})` };
  }
}

/** Writes a ballast file until only `leave` bytes are free (0: until ENOSPC). */
function fill(path: string, leave: number): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) {
      const s = statfsSync(path);
      const free = Number(s.bavail) * Number(s.bsize) - leave;
      if (free <= 0) break;
      writeSync(fd, chunk, 0, Math.min(chunk.length, Math.max(512, free)));
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

const tmpfs = mountTmpfs();
const reason = 'reason' in tmpfs ? tmpfs.reason : '';

describe.skipIf(!('dir' in tmpfs))(`full disk (a real 8 MB tmpfs)${reason ? ` — skipped: ${reason}` : ''}`, () => {
  const mnt = 'dir' in tmpfs ? tmpfs.dir : '';
  afterAll(() => {
    execFileSync('umount', ['-l', mnt]);
    return rm(mnt, { recursive: true, force: true });
  });

  it('a render that fills the disk ends "disk full"; reads go on; submissions get 507; the server starts on the full disk', async () => {
    const data = join(mnt, 'data');
    let s = await start(data);
    // Room for the request, not for the render (a 256² keyframe checkpoint is 192 KB, the video more).
    fill(join(mnt, 'ballast-1'), 160 * 1024);
    const { status, json } = await post(s, { image: inline, ...WALK, width: 512, height: 512 });
    expect([status, json['status']]).toEqual([200, 'processing']);
    const id = json['id'] as string;
    expect(await ended(s, id)).toMatchObject({ status: 'error', message: DISK_FULL_JOB_MESSAGE });
    fill(join(mnt, 'ballast-2'), 0);
    await expectServing(s, id);
    const inputs = readdirSync(join(data, 'inputs'));
    const refused = await post(s, { image: inline, ...WALK });
    expect([refused.status, refused.json['message']]).toEqual([507, expect.stringMatching(/^disk full: /)]);
    expect(readdirSync(join(data, 'inputs'))).toEqual(inputs);

    await s.app.close();
    fill(join(mnt, 'ballast-3'), 0);
    s = await start(data);
    await expectServing(s, id);
    expect((await ended(s, id))['status']).toBe('error');
    expect((await post(s, { image: inline, ...WALK })).status).toBe(507);
    await s.app.close();
  }, 60_000);
});
