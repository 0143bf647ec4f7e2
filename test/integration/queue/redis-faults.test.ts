import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeServer, type FakeServer } from '../../helpers/fake-server.js';
import { fetchJob, type Proc, serveQueue, settle, startWorker, submit } from '../../helpers/queue-procs.js';
import { REDIS_SKIP, startRedis, type TestRedis } from '../../support/redis.js';
import { inputUri, smallWalk } from './common.js';

let dir: string;
let image: string;
const procs: Proc[] = [];
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
if (REDIS_SKIP) console.warn(REDIS_SKIP);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-rqf-'));
  image = await inputUri(dir);
});
afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** A counting IOPaint that takes `delayMs` a call and fills the mask with grey: the test engine of the workers. */
async function slowEngine(delayMs: number): Promise<FakeServer> {
  return fakeServer(async (r, res) => {
    await wait(delayMs);
    const body = r.json!;
    const img = await sharp(Buffer.from(String(body['image']), 'base64')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const png = await sharp(Buffer.from(img.data).fill(128), { raw: { width: img.info.width, height: img.info.height, channels: 3 } }).png().toBuffer();
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
}

/** A webhook receiver that answers 200. */
const hooks = (): Promise<FakeServer> => fakeServer((_r, res) => void res.writeHead(200).end('{}'));

/** Finished keyframes checkpointed for a job in the shared store. */
function checkpoints(store: string, id: string): number {
  try {
    return readdirSync(join(store, 'checkpoints', id)).filter((f) => f.endsWith('.rgb')).length;
  } catch {
    return 0;
  }
}

async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(50);
  }
}

/** Files left by an atomic write that did not finish, anywhere in the store. */
function temps(store: string): string[] {
  return readdirSync(store, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.tmp') || f.includes('.partial'));
}

describe.skipIf(REDIS_SKIP)('Redis queue faults (real Redis, zoomwalk worker processes)', () => {
  // One Redis per test: a worker left by a failed test never takes the next test's jobs.
  let redis: TestRedis;
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) p.child.kill('SIGKILL');
    await redis?.dispose();
  });

  it('kill -9 of the worker running a job: another worker resumes from its checkpoints, one webhook', async () => {
    const store = join(dir, 'kill');
    const engine = await slowEngine(600);
    const hook = await hooks();
    const env = { ZOOMWALK_IOPAINT_URL: engine.url };
    const api = await serveQueue(redis.url, store);
    // Both workers are up before the job: whichever takes it is killed, the other must finish it.
    const workers = await Promise.all([startWorker(redis.url, store, ['--engine', 'iopaint'], env), startWorker(redis.url, store, ['--engine', 'iopaint'], env)]);
    procs.push(api, ...workers);
    const steps = 6;
    const { body } = await submit(api.base, smallWalk(image, steps, { webhook: `${hook.url}/done` }));
    const id = String(body['id']);
    await until('2 keyframes', () => checkpoints(store, id) >= 2);
    const [a, b] = workers[0].log().includes(`job ${id}: started`) ? [workers[0], workers[1]] : [workers[1], workers[0]];
    a.child.kill('SIGKILL');
    await a.exited;
    expect(a.log()).not.toContain(`job ${id}: ended`);
    const done = await settle(api.base, id, 60_000);
    expect(done['status']).toBe('success');
    expect((done['meta'] as { resumed_from_keyframe: number }).resumed_from_keyframe, `${a.log()}\n${b.log()}`).toBeGreaterThanOrEqual(2);
    expect(engine.received.length).toBeLessThanOrEqual(steps + 1);
    expect(b.log()).toContain(`job ${id}: ended success`);
    await until('the webhook', () => hook.received.length >= 1, 10_000);
    await wait(1_500);
    expect(hook.received.filter((r) => r.headers['x-zoomwalk-webhook-id'] === id)).toHaveLength(1);
    expect(temps(store)).toEqual([]);
    for (const p of [api, b]) p.child.kill('SIGKILL');
    await Promise.all([engine.close(), hook.close()]);
  }, 120_000);

  it('SIGTERM of a worker hands its job back at once; cancel through the API reaches the worker on another process', async () => {
    const store = join(dir, 'term');
    const engine = await slowEngine(400);
    const env = { ZOOMWALK_IOPAINT_URL: engine.url };
    const api = await serveQueue(redis.url, store);
    const a = await startWorker(redis.url, store, ['--engine', 'iopaint'], env);
    procs.push(api, a);
    const { body } = await submit(api.base, smallWalk(image, 6));
    const id = String(body['id']);
    await until('1 keyframe', () => checkpoints(store, id) >= 1);
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(a.log()).toContain(`job ${id}: handed back to the queue`);
    // Back in the queue without waiting for a stall check.
    expect((await fetchJob(api.base, id))['message']).toBe('queued');
    const b = await startWorker(redis.url, store, ['--engine', 'iopaint'], env);
    procs.push(b);
    const done = await settle(api.base, id, 60_000);
    expect(done['status']).toBe('success');
    expect((done['meta'] as { resumed_from_keyframe: number }).resumed_from_keyframe).toBeGreaterThanOrEqual(1);
    expect(b.log()).not.toContain('stalled');

    // Cancel: the job runs on worker b, the cancel goes through the API process.
    const second = String((await submit(api.base, smallWalk(image, 8))).body['id']);
    await until('the job to run', async () => (await fetchJob(api.base, second))['message'] === 'rendering');
    const asked = Date.now();
    const res = await request(`${api.base}/api/jobs/${second}`, { method: 'DELETE' });
    expect(res.statusCode).toBeLessThan(300);
    await until('the worker to stop it', () => b.log().includes(`job ${second}: ended cancelled`), 2_000);
    expect(Date.now() - asked).toBeLessThan(2_000);
    const calls = engine.received.length;
    await wait(1_500);
    expect(engine.received.length).toBeLessThanOrEqual(calls + 1);
    expect((await fetchJob(api.base, second))['message']).toBe('cancelled');
    for (const p of [api, b]) p.child.kill('SIGKILL');
    await engine.close();
  }, 120_000);

  it('Redis stopped for 7 s mid-job: submissions get 503 within 2 s, and every job completes once', async () => {
    const store = join(dir, 'outage');
    const engine = await slowEngine(300);
    const env = { ZOOMWALK_IOPAINT_URL: engine.url };
    const api = await serveQueue(redis.url, store);
    const w = await startWorker(redis.url, store, ['--engine', 'iopaint'], env);
    procs.push(api, w);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(String((await submit(api.base, smallWalk(image, 4, { seed: 10 + i }))).body['id']));
    await until('1 keyframe', () => checkpoints(store, ids[0]!) >= 1);
    await redis.stop();
    const asked = Date.now();
    const refused = await submit(api.base, smallWalk(image, 2));
    expect(Date.now() - asked).toBeLessThan(2_500);
    expect(refused.status).toBe(503);
    expect(refused.body['message']).toMatch(/queue is unavailable/);
    await wait(7_000);
    await redis.start();
    for (const id of ids) {
      const done = await settle(api.base, id, 90_000);
      expect(done['status'], `${JSON.stringify(done)}\n${w.log()}`).toBe('success');
    }
    for (const id of ids) expect(w.log().split(`job ${id}: ended success`).length - 1).toBe(1);
    const listing = (await request(`${api.base}/api/jobs?limit=50`).then((r) => r.body.json())) as { jobs: { id: string }[] };
    expect(listing.jobs.map((j) => j.id).sort()).toEqual([...ids].sort());
    for (const p of [api, w]) p.child.kill('SIGKILL');
    await engine.close();
  }, 180_000);
});
