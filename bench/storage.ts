/**
 * Storage bench: N walk jobs (mirror engine, tiny walk, each with its own base64 inline image)
 * through an in-process `zoomwalk serve`, then the database size, whether any image bytes are in
 * it, and how long `GET /api/jobs?limit=500` takes. Images live in files, never in job rows, so
 * the database stays small and the listing fast. `measureStorage` is shared with the test.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { request } from 'undici';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../src/server/app.js';

/** What one storage run measured. */
export interface StorageFigures {
  readonly jobs: number;
  readonly succeeded: number;
  /** jobs.sqlite and its WAL, bytes, after the server closed. */
  readonly databaseBytes: number;
  /** Bytes of inline images sent in all. */
  readonly imageBytesSent: number;
  /** Whether a slice of any sent image (base64 or raw) is in the database files. */
  readonly imageBytesInDatabase: boolean;
  /** Median of 5 listings of 500 jobs, ms. */
  readonly listingMs: number;
  readonly listed: number;
}

/** A distinct 160×120 PNG of noise per job (≈ 58 KB, it does not compress), so no two requests share image bytes. */
async function image(n: number): Promise<Buffer> {
  const noise = Buffer.alloc(160 * 120 * 3);
  let x = (n + 1) * 2654435761;
  for (let i = 0; i < noise.length; i++) {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    noise[i] = x & 255;
  }
  return sharp(noise, { raw: { width: 160, height: 120, channels: 3 } }).png().toBuffer();
}

/** Runs `count` jobs and measures the database and the listing. */
export async function measureStorage(count: number): Promise<StorageFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-storage-'));
  const data = join(dir, 'data');
  const { app, queue } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: data, engine: 'mirror', auth: { open: false, keys: ['bench'] }, concurrency: 2, minFreeBytes: 0 });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const probes: Buffer[] = [];
  let sent = 0;
  try {
    const ids: string[] = [];
    for (let n = 0; n < count; n++) {
      const png = await image(n);
      const b64 = png.toString('base64');
      sent += b64.length;
      // A slice from the middle of the image, raw and as base64: neither may reach the database.
      if (n % 20 === 0) probes.push(png.subarray(png.length >> 1, (png.length >> 1) + 48), Buffer.from(b64.slice(b64.length >> 1, (b64.length >> 1) + 64)));
      const body = { key: 'bench', image: `data:image/png;base64,${b64}`, walk_type: ['left'], width: 64, height: 64, num_interpolation_steps: 2, fps: 8, seed: n + 1 };
      const res = await request(`${base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.body.json()) as { id?: string };
      if (res.statusCode !== 200 || !json.id) throw new Error(`submit ${n} failed: ${res.statusCode} ${JSON.stringify(json)}`);
      ids.push(json.id);
    }
    let succeeded = 0;
    for (const id of ids) if ((await queue.waitFor(id, 600_000))?.status === 'success') succeeded++;
    const times: number[] = [];
    let listed = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const res = await request(`${base}/api/jobs?limit=500`, { headers: { 'x-key': 'bench' } });
      listed = ((await res.body.json()) as { jobs: unknown[] }).jobs.length;
      times.push(performance.now() - t);
    }
    await app.close();
    const files = readdirSync(data).filter((f) => f.startsWith('jobs.sqlite'));
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(data, f))));
    return {
      jobs: count,
      succeeded,
      databaseBytes: files.reduce((sum, f) => sum + statSync(join(data, f)).size, 0),
      imageBytesSent: sent,
      imageBytesInDatabase: probes.some((p) => bytes.includes(p)),
      listingMs: times.sort((a, b) => a - b)[2]!,
      listed,
    };
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Prints the storage figures as markdown. */
export async function benchStorage(): Promise<void> {
  const f = await measureStorage(200);
  console.log(`\n## Storage after ${f.jobs} jobs (mirror engine, 64² walk, a distinct 160×120 base64 PNG each)\n`);
  console.log('| jobs | reached success | inline image bytes sent | database bytes | image bytes in database | GET /api/jobs?limit=500 ms (median of 5) | rows listed |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(`| ${f.jobs} | ${f.succeeded} | ${f.imageBytesSent} | ${f.databaseBytes} | ${f.imageBytesInDatabase ? 'yes' : 'no'} | ${f.listingMs.toFixed(1)} | ${f.listed} |`);
  if (f.databaseBytes >= 5 * 1024 * 1024) throw new Error(`database ${f.databaseBytes} bytes ≥ 5 MB`);
}
