import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteJobStore } from '../../../src/server/jobs/sqlite-store.js';

let dir: string;
let store: SqliteJobStore;
let now: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-store-'));
  // A clock that moves 1 ms per call, so creation order is what the store sorts by.
  now = 1_700_000_000_000;
  vi.spyOn(Date, 'now').mockImplementation(() => now++);
  store = new SqliteJobStore(join(dir, 'data'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SQLite job store', () => {
  it('creates the data directory and stores a queued job with its request', () => {
    expect(existsSync(join(dir, 'data', 'jobs.sqlite'))).toBe(true);
    const job = store.create({ prompt: 'a field', walk_type: ['left'], n: 3 });
    expect(job).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
      request: { prompt: 'a field', walk_type: ['left'], n: 3 },
      outputs: [],
      meta: null,
      error: null,
      progress: null,
      generationTime: null,
      createdAt: job.createdAt,
      updatedAt: job.createdAt,
      owner: null,
    });
    expect(store.get(job.id)).toEqual(job);
    expect(store.create({}).id).not.toBe(job.id);
  });

  it('answers null for an unknown id', () => {
    expect(store.get('nope')).toBeNull();
  });

  it('lists the newest first, at most `limit`', () => {
    const ids = [0, 1, 2, 3].map((i) => store.create({ i }).id);
    expect(store.list(10).map((j) => j.id)).toEqual([...ids].reverse());
    expect(store.list(2).map((j) => j.id)).toEqual([ids[3], ids[2]]);
    expect(store.list(0)).toEqual([]);
  });

  it('updates each column on its own, and the update time with it', () => {
    const job = store.create({ a: 1 });
    const progress = { frames: 3, framesTotal: 10, keyframes: 1, keyframesTotal: 4, etaSeconds: 2.5 };
    const steps: [Parameters<SqliteJobStore['update']>[1], Partial<typeof job>][] = [
      [{ status: 'processing' }, { status: 'processing' }],
      [{ progress }, { progress }],
      [{ outputs: ['x.mp4', 'x-2.mp4'] }, { outputs: ['x.mp4', 'x-2.mp4'] }],
      [{ meta: { seed: 7, nested: { ok: true } } }, { meta: { seed: 7, nested: { ok: true } } }],
      [{ generationTime: 12.25 }, { generationTime: 12.25 }],
      [{ error: 'engine failed' }, { error: 'engine failed' }],
      [{ progress: null }, { progress: null }],
      [{ meta: null }, { meta: null }],
      [{ error: null }, { error: null }],
      [{ status: 'success' }, { status: 'success' }],
    ];
    let expected = { ...job };
    for (const [patch, change] of steps) {
      const before = store.get(job.id)!;
      store.update(job.id, patch);
      expected = { ...expected, ...change };
      const after = store.get(job.id)!;
      expect({ ...after, updatedAt: 0 }, JSON.stringify(patch)).toEqual({ ...expected, updatedAt: 0 });
      expect(after.updatedAt).toBeGreaterThan(before.updatedAt);
      expect(after.createdAt).toBe(job.createdAt);
    }
  });

  it('leaves other jobs alone when updating one', () => {
    const a = store.create({ a: 1 });
    const b = store.create({ b: 2 });
    store.update(a.id, { status: 'error', error: 'x' });
    expect(store.get(b.id)).toEqual(b);
  });

  it('gives the queued and processing jobs, oldest first, as unfinished', () => {
    const [q1, p1, s, e, c, q2] = [0, 1, 2, 3, 4, 5].map((i) => store.create({ i }));
    store.update(p1!.id, { status: 'processing' });
    store.update(s!.id, { status: 'success' });
    store.update(e!.id, { status: 'error' });
    store.update(c!.id, { status: 'cancelled' });
    // Touching a job later does not move it: the order is creation order.
    store.update(q1!.id, { progress: { frames: 1, framesTotal: 2, keyframes: 0, keyframesTotal: 1, etaSeconds: null } });
    expect(store.unfinished().map((j) => [j.id, j.status])).toEqual([
      [q1!.id, 'queued'],
      [p1!.id, 'processing'],
      [q2!.id, 'queued'],
    ]);
  });

  it('keeps its jobs when the file is opened again', () => {
    const a = store.create({ a: 1 });
    const b = store.create({ b: 2 });
    store.update(a.id, { status: 'success', outputs: ['a.mp4'], meta: { seed: 1 }, generationTime: 3 });
    store.update(b.id, { status: 'processing' });
    const saved = [store.get(b.id), store.get(a.id)];
    store.close();
    store = new SqliteJobStore(join(dir, 'data'));
    expect(store.list(10)).toEqual(saved);
    expect(store.unfinished().map((j) => j.id)).toEqual([b.id]);
  });
});
