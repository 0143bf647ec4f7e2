import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proc, serveQueue, settle, startWorker, submit } from '../../helpers/queue-procs.js';
import { REDIS_SKIP, startRedis, type TestRedis } from '../../support/redis.js';
import { framemd5, inputUri, smallWalk } from './common.js';

let redis: TestRedis;
let dir: string;
let image: string;
const procs: Proc[] = [];
if (REDIS_SKIP) console.warn(REDIS_SKIP);

beforeAll(async () => {
  if (REDIS_SKIP) return;
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-rq-'));
  image = await inputUri(dir);
});
afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await redis?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Renders the walk with the embedded queue (its own serve process). */
async function embeddedRender(data: string, body: Record<string, unknown>): Promise<string> {
  const entry = join(import.meta.dirname, '..', '..', 'helpers', 'cli.ts');
  const tsx = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, entry, 'serve', '--no-auth', '--port', '0', '--data', data, '--engine', 'mirror'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const base = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
  });
  try {
    const { body: job } = await submit(base, body);
    const done = await settle(base, String(job['id']));
    expect(done['status']).toBe('success');
    return join(data, 'generations', `${String(job['id'])}.mp4`);
  } finally {
    child.kill('SIGTERM');
  }
}

describe.skipIf(REDIS_SKIP)('serve --queue redis + zoomwalk worker', () => {
  it('renders the same frames as the embedded queue, answers /health, and honours Idempotency-Key', async () => {
    const store = join(dir, 'store');
    const api = await serveQueue(redis.url, store);
    procs.push(api);
    const health0 = (await request(`${api.base}/health`).then((r) => r.body.json())) as { queue: Record<string, number | string> };
    expect(health0.queue).toMatchObject({ backend: 'redis', depth: 0, active: 0, workers: 0 });
    const body = smallWalk(image, 3);
    const first = await submit(api.base, body, { 'idempotency-key': 'walk-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await submit(api.base, body, { 'idempotency-key': 'walk-1' });
    expect(again.body['id']).toBe(first.body['id']);
    const other = await submit(api.base, body, { 'idempotency-key': 'walk-2' });
    expect(other.body['id']).not.toBe(first.body['id']);
    expect(((await request(`${api.base}/health`).then((r) => r.body.json())) as { queue: { depth: number } }).queue.depth).toBe(2);

    const worker = await startWorker(redis.url, store, ['--engine', 'mirror']);
    procs.push(worker);
    const done = await settle(api.base, String(first.body['id']));
    expect(done['status']).toBe('success');
    expect((await settle(api.base, String(other.body['id'])))['status']).toBe('success');
    expect(worker.log()).toMatch(new RegExp(`job ${String(first.body['id'])}: started`));
    expect(worker.log()).toMatch(new RegExp(`job ${String(first.body['id'])}: ended success`));
    const health = (await request(`${api.base}/health`).then((r) => r.body.json())) as { queue: Record<string, number> };
    expect(health.queue).toMatchObject({ depth: 0, active: 0, workers: 1 });
    const listing = (await request(`${api.base}/api/jobs?limit=10`).then((r) => r.body.json())) as { jobs: { id: string; status: string }[] };
    expect(listing.jobs.map((j) => j.id).sort()).toEqual([String(first.body['id']), String(other.body['id'])].sort());

    const viaRedis = await framemd5(join(store, 'generations', `${String(first.body['id'])}.mp4`));
    const viaEmbedded = await framemd5(await embeddedRender(join(dir, 'embedded'), body));
    expect(viaRedis.split('\n').length).toBe(1 + 3 * 2);
    expect(viaRedis).toBe(viaEmbedded);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    api.child.kill('SIGTERM');
    await api.exited;
  }, 120_000);
});
