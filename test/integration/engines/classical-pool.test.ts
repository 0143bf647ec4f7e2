// The refinement pool's shared queue: a fill hands over one band's jobs while it quilts the next,
// so several runs are in flight at once. Starts worker threads, hence integration.
import { afterAll, describe, expect, it } from 'vitest';
import { refine } from '../../../src/engines/classical/patchmatch.js';
import { RefinePool } from '../../../src/engines/classical/pool.js';
import type { RefineJob } from '../../../src/engines/classical/refine-job.js';
import { AbortError } from '../../../src/errors.js';

/** A 40×24 job: the left 12 columns editable, sources the crop itself (shared, as fill.ts posts them). */
function job(seed: number): RefineJob {
  const w = 40, h = 24;
  const data = new Uint8Array(new SharedArrayBuffer(w * h * 3));
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 11) % 251;
  const known = new Uint8Array(w * h);
  const editable = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) (p % w < 12 ? editable : known)[p] = 1;
  return { width: w, height: h, image: data.slice(), editable, ox: 0, oy: 0, sources: [{ width: w, height: h, data, known }], axis: 'rows', maxShift: 8, levels: 1, emIters: 1, pmIters: 2, patchR: 3, seed };
}

const pool = new RefinePool(1);
afterAll(async () => {
  await pool.close();
});

describe('classical refinement pool', () => {
  it('runs concurrent runs on one worker to the end, each with its own results in order', async () => {
    const a = [job(1), job(2)];
    const b = [job(3)];
    const [ra, rb] = await Promise.all([pool.run(a), pool.run(b)]);
    expect(ra.map((r) => Buffer.from(r).toString('hex'))).toEqual(a.map((j) => Buffer.from(refine(j)).toString('hex')));
    expect(Buffer.from(rb[0]!).equals(Buffer.from(refine(b[0]!)))).toBe(true);
  });

  it('an aborted run drops its queued jobs and leaves the other run to finish', async () => {
    const ctrl = new AbortController();
    const first = pool.run([job(4), job(5), job(6)], ctrl.signal);
    const second = pool.run([job(7)]);
    ctrl.abort();
    await expect(first).rejects.toBeInstanceOf(AbortError);
    const [r] = await second;
    expect(Buffer.from(r!).equals(Buffer.from(refine(job(7))))).toBe(true);
  });
});
