import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RawImage } from '../../../src/image/raw.js';
import { jobCheckpoints } from '../../../src/server/jobs/checkpoints.js';

let dir: string;

/** A width×height RGB image whose bytes all differ from `seed`'s neighbours. */
function image(width: number, height: number, seed: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7 + seed * 31) & 0xff;
  return { width, height, channels: 3, data };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-checkpoints-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('job checkpoints', () => {
  it('hands a saved keyframe back, byte for byte, to a later run of the same job', () => {
    const first = jobCheckpoints(dir, 'job-1', 6, 4);
    const k1 = image(6, 4, 1);
    const k3 = image(6, 4, 3);
    first.save(1, k1, 0);
    first.save(3, k3, 0);
    expect(readdirSync(join(dir, 'job-1')).sort()).toEqual(['0-1.rgb', '0-3.rgb']);

    const again = jobCheckpoints(dir, 'job-1', 6, 4);
    expect(again.resumedFrom()).toBe(0);
    const back = again.resume(1, 0);
    expect(back).toMatchObject({ width: 6, height: 4, channels: 3 });
    expect(Buffer.from(back!.data).equals(Buffer.from(k1.data))).toBe(true);
    expect(again.resumedFrom()).toBe(1);
    expect(Buffer.from(again.resume(3, 0)!.data).equals(Buffer.from(k3.data))).toBe(true);
    expect(again.resumedFrom()).toBe(3);
    // Asking for an earlier one does not move the furthest point back.
    again.resume(1, 0);
    expect(again.resumedFrom()).toBe(3);
  });

  it('keeps samples and jobs apart, and has nothing for a step never saved', () => {
    const a = jobCheckpoints(dir, 'a', 2, 2);
    a.save(2, image(2, 2, 9), 1);
    expect(a.resume(2, 0)).toBeNull();
    expect(a.resume(1, 1)).toBeNull();
    expect(a.resume(2, 1)).not.toBeNull();
    expect(jobCheckpoints(dir, 'b', 2, 2).resume(2, 1)).toBeNull();
    expect(a.resumedFrom()).toBe(2);
  });

  it('replaces a keyframe saved twice, leaving no temporary file', () => {
    const c = jobCheckpoints(dir, 'j', 3, 3);
    c.save(0, image(3, 3, 1), 0);
    c.save(0, image(3, 3, 2), 0);
    expect(Buffer.from(c.resume(0, 0)!.data).equals(Buffer.from(image(3, 3, 2).data))).toBe(true);
    expect(readdirSync(join(dir, 'j'))).toEqual(['0-0.rgb']);
  });

  it('ignores a file of the wrong size: that step is outpainted again', () => {
    jobCheckpoints(dir, 'j', 8, 4).save(2, image(8, 4, 1), 0);
    const other = jobCheckpoints(dir, 'j', 4, 4);
    expect(other.resume(2, 0)).toBeNull();
    expect(other.resumedFrom()).toBe(0);
  });

  it('removes the job’s directory on clear, and only that', async () => {
    const c = jobCheckpoints(dir, 'gone', 2, 2);
    c.save(0, image(2, 2, 0), 0);
    jobCheckpoints(dir, 'kept', 2, 2).save(0, image(2, 2, 0), 0);
    await c.clear();
    expect(existsSync(join(dir, 'gone'))).toBe(false);
    expect(existsSync(join(dir, 'kept', '0-0.rgb'))).toBe(true);
    // Clearing twice is harmless.
    await c.clear();
  });
});
