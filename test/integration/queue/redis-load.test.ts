import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Proc, serveQueue, settle, startWorker, submit } from '../../helpers/queue-procs.js';
import { REDIS_SKIP, startRedis, type TestRedis } from '../../support/redis.js';
import { inputUri, smallWalk } from './common.js';

let redis: TestRedis;
let dir: string;
const procs: Proc[] = [];
if (REDIS_SKIP) console.warn(REDIS_SKIP);

beforeAll(async () => {
  if (REDIS_SKIP) return;
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-rql-'));
});
afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await redis?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const CLIENTS = 20;
const PER_CLIENT = 10;
/** Generous: 200 one-step 64² walks take about 20 s on two loaded cores; the bound keeps a lost job from hanging the run. */
const ALL_DONE_MS = 240_000;

/** How many times a worker log line occurs. */
const count = (text: string, line: string): number => text.split(line).length - 1;

describe.skipIf(REDIS_SKIP)('load: 200 submissions from 20 clients, 2 worker processes', () => {
  it('finishes every job exactly once: none lost, none run twice', async () => {
    const store = join(dir, 'store');
    const image = await inputUri(dir);
    // The queue bound and the rate limit would turn a burst of 200 away (429/503): raised for this test.
    const api = await serveQueue(redis.url, store, ['--max-queued', '1000', '--rate-limit', '100000']);
    procs.push(api);
    const workers = await Promise.all([0, 1].map(() => startWorker(redis.url, store, ['--engine', 'mirror'])));
    procs.push(...workers);

    const client = async (c: number): Promise<string[]> => {
      const ids: string[] = [];
      for (let i = 0; i < PER_CLIENT; i++) {
        const r = await submit(api.base, smallWalk(image, 1, { seed: c * PER_CLIENT + i, num_interpolation_steps: 2 }));
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        ids.push(String(r.body['id']));
      }
      return ids;
    };
    const started = Date.now();
    const ids = (await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)))).flat();
    expect(new Set(ids).size).toBe(CLIENTS * PER_CLIENT);

    const statuses: string[] = [];
    for (const id of ids) statuses.push(String((await settle(api.base, id, Math.max(1, ALL_DONE_MS - (Date.now() - started))))['status']));
    const log = workers.map((w) => w.log()).join('\n');
    expect(statuses.filter((s) => s !== 'success'), log.slice(-3000)).toEqual([]);
    // Each job started once and ended once, on one of the two workers; both took a share.
    for (const id of ids) {
      expect(count(log, `job ${id}: started`), id).toBe(1);
      expect(count(log, `job ${id}: ended success`), id).toBe(1);
    }
    expect(log).not.toContain('stalled');
    for (const w of workers) expect(count(w.log(), ': ended success')).toBeGreaterThan(0);
    const health = (await request(`${api.base}/health`).then((r) => r.body.json())) as { queue: Record<string, number> };
    expect(health.queue).toMatchObject({ depth: 0, active: 0, workers: 2 });
    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await request(`${api.base}/api/jobs?limit=100${cursor ? `&cursor=${cursor}` : ''}`).then((r) => r.body.json())) as { jobs: { id: string }[]; next_cursor: string | null };
      listed.push(...page.jobs.map((j) => j.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(listed.sort()).toEqual([...ids].sort());
  }, ALL_DONE_MS + 60_000);
});
