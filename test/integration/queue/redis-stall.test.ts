import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueueUrl, redisOptions } from '../../../src/server/jobs/redis/connection.js';
import { LOCK_MS, QUEUE_NAME } from '../../../src/server/jobs/redis/keys.js';
import { type Proc, serveQueue, settle, startWorker, submit } from '../../helpers/queue-procs.js';
import { REDIS_SKIP, startRedis, type TestRedis } from '../../support/redis.js';
import { inputUri, smallWalk } from './common.js';

const busyEngine = join(import.meta.dirname, '..', '..', 'helpers', 'busy-engine.ts');
let redis: TestRedis;
let dir: string;
const procs: Proc[] = [];
if (REDIS_SKIP) console.warn(REDIS_SKIP);

beforeAll(async () => {
  if (REDIS_SKIP) return;
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-rqs-'));
});
afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await redis?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(REDIS_SKIP)('a CPU-bound render on a Redis worker', () => {
  it('blocks its render thread for longer than the lock, never the lock renewal: not stalled, run once', async () => {
    const store = join(dir, 'store');
    const calls = join(dir, 'calls.log');
    // Each engine call spins for longer than the whole lock (LOCK_MS): in the thread that renews the lock, it would lapse every step.
    const spinMs = LOCK_MS + 1_500;
    const steps = 4;
    const env = { ZW_BUSY_MS: String(spinMs), ZW_BUSY_LOG: calls };
    const api = await serveQueue(redis.url, store);
    procs.push(api);
    // Two workers: a lapsed lock would hand the job to the other one, and it would run twice.
    const workers = await Promise.all([0, 1].map(() => startWorker(redis.url, store, ['--engine', 'busy'], env, [busyEngine])));
    procs.push(...workers);
    const connection = { ...redisOptions(parseQueueUrl(redis.url)), maxRetriesPerRequest: null };
    const events = new QueueEvents(QUEUE_NAME, { connection });
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    const watch = new Redis(connection);

    const { body } = await submit(api.base, smallWalk(await inputUri(dir), steps));
    const id = String(body['id']);
    // The lock's time to live, read every 250 ms while the job runs: renewed every LOCK_MS / 2, it never runs low.
    const ttls: number[] = [];
    const poll = setInterval(() => void watch.pttl(`bull:${QUEUE_NAME}:${id}:lock`).then((t) => t > -2 && ttls.push(t)), 250);
    const done = await settle(api.base, id, 180_000);
    clearInterval(poll);
    await new Promise((r) => setTimeout(r, 2 * 2_000));
    await events.close();
    watch.disconnect();

    const log = workers.map((w) => w.log()).join('\n');
    expect(done['status'], log).toBe('success');
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toHaveLength(steps);
    expect(stalled).toEqual([]);
    expect(log.split(`job ${id}: started`).length - 1).toBe(1);
    expect(log).not.toContain('stalled');
    expect((done['meta'] as { resumed_from_keyframe?: number }).resumed_from_keyframe ?? 0).toBe(0);
    // The job held its lock for the whole render (≥ steps × spinMs), and its time to live never fell below a third of LOCK_MS.
    expect(ttls.length).toBeGreaterThan((steps * spinMs) / 250 / 2);
    expect(Math.min(...ttls)).toBeGreaterThan(LOCK_MS / 3);
  }, 240_000);
});
