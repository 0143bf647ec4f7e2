import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedJobQueue } from '../../../src/server/jobs/embedded-queue.js';
import { IDEMPOTENCY_TTL_MS, IdempotencyTable } from '../../../src/server/jobs/idempotency-table.js';
import { SqliteJobStore } from '../../../src/server/jobs/sqlite-store.js';
import type { JobRunner } from '../../../src/server/jobs/types.js';

const RESULT = { outputs: ['out.mp4'], meta: {}, generationTime: 1 };
let dir: string;
let runs: string[];
let rejected: Record<string, unknown>[];
const open: EmbeddedJobQueue[] = [];
const run: JobRunner = (job) => {
  runs.push(job.id);
  return Promise.resolve(RESULT);
};
function queue(): EmbeddedJobQueue {
  const q = new EmbeddedJobQueue({ dataDir: join(dir, 'data'), concurrency: 1, run, onRejected: (r) => rejected.push(r) });
  open.push(q);
  return q;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-idem-'));
  runs = [];
  rejected = [];
});
afterEach(async () => {
  for (const q of open.splice(0)) await q.close();
  await rm(dir, { recursive: true, force: true });
});

describe('embedded queue: Idempotency-Key', () => {
  it('a repeat with the same key and owner returns the first job and runs nothing more; another key or owner is a new job', async () => {
    const q = queue();
    const first = await q.submit({ prompt: 'a' }, 'owner-1', { idempotencyKey: 'k1' });
    const again = await q.submit({ prompt: 'a' }, 'owner-1', { idempotencyKey: 'k1' });
    expect(again.id).toBe(first.id);
    // The repeat's stored images are released at once.
    expect(rejected).toEqual([{ prompt: 'a' }]);
    const otherKey = await q.submit({ prompt: 'a' }, 'owner-1', { idempotencyKey: 'k2' });
    const otherOwner = await q.submit({ prompt: 'a' }, 'owner-2', { idempotencyKey: 'k1' });
    const anonymous = await q.submit({ prompt: 'a' }, null, { idempotencyKey: 'k1' });
    const noKey = await q.submit({ prompt: 'a' }, 'owner-1');
    expect(new Set([first.id, otherKey.id, otherOwner.id, anonymous.id, noKey.id]).size).toBe(5);
    for (const id of [first.id, otherKey.id, otherOwner.id, anonymous.id, noKey.id]) expect((await q.waitFor(id, 5_000))?.status).toBe('success');
    // Finished, the job is still the key's answer (no second run).
    const late = await q.submit({ prompt: 'a' }, 'owner-1', { idempotencyKey: 'k1' });
    expect(late).toMatchObject({ id: first.id, status: 'success' });
    expect(runs.filter((id) => id === first.id)).toHaveLength(1);
    expect(runs).toHaveLength(5);
  });

  it('keeps the key over a restart, and forgets it once the job is removed', async () => {
    const q = queue();
    const first = await q.submit({ prompt: 'b' }, 'o', { idempotencyKey: 'walk-7' });
    await q.waitFor(first.id, 5_000);
    await q.close();
    open.splice(0);
    const reopened = queue();
    expect((await reopened.submit({ prompt: 'b' }, 'o', { idempotencyKey: 'walk-7' })).id).toBe(first.id);
    await reopened.remove(first.id);
    const fresh = await reopened.submit({ prompt: 'b' }, 'o', { idempotencyKey: 'walk-7' });
    expect(fresh.id).not.toBe(first.id);
    expect((await reopened.submit({ prompt: 'b' }, 'o', { idempotencyKey: 'walk-7' })).id).toBe(fresh.id);
  });

  it('a key older than the TTL names no job', () => {
    const store = new SqliteJobStore(join(dir, 'ttl'));
    const keys = new IdempotencyTable(store.database);
    keys.remember('o', 'k', 'job-1', 1_000);
    expect(keys.lookup('o', 'k', 1_000 + IDEMPOTENCY_TTL_MS - 1)).toBe('job-1');
    expect(keys.lookup('o', 'k', 1_000 + IDEMPOTENCY_TTL_MS)).toBeNull();
    expect(keys.lookup('other', 'k', 1_001)).toBeNull();
    store.close();
  });
});
