/**
 * Server load bench: 200 walk requests from 20 concurrent clients against an in-process
 * `zoomwalk serve` with the `mirror` engine; every job must reach success. Prints submit
 * throughput and latency percentiles, and the time until every job was done. The queue bound is
 * raised to REQUESTS: every submission must be queued (the bound has its own test).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { request } from 'undici';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../src/server/app.js';
import { samplePhoto } from './sample.js';

const REQUESTS = 200;
const CLIENTS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs the load and prints a markdown table. */
export async function benchServerLoad(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-load-'));
  const { app, queue } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: dir, engine: 'mirror', auth: { open: false, keys: ['bench'] }, concurrency: 2, limits: { maxQueued: REQUESTS } });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const small = await sharp(await readFile(samplePhoto())).resize(160, 120).png().toBuffer();
    const body = JSON.stringify({ key: 'bench', image: `data:image/png;base64,${small.toString('base64')}`, walk_type: ['backward', 'left'], width: 64, height: 64, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 1 });
    const latencies: number[] = [];
    const ids: string[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < REQUESTS) {
          next++;
          const t = performance.now();
          const res = await request(`${base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const json = (await res.body.json()) as { id?: string; status?: string };
          latencies.push(performance.now() - t);
          if (res.statusCode !== 200 || !json.id) throw new Error(`submit failed: ${res.statusCode} ${JSON.stringify(json)}`);
          ids.push(json.id);
        }
      }),
    );
    const submitSeconds = (performance.now() - started) / 1000;
    for (const id of ids) await queue.waitFor(id, 600_000);
    const allSeconds = (performance.now() - started) / 1000;
    const statuses = await Promise.all(ids.map(async (id) => (await queue.get(id))?.status));
    const ok = statuses.filter((s) => s === 'success').length;
    latencies.sort((a, b) => a - b);
    console.log(`\n## Server load (${REQUESTS} walk requests, ${CLIENTS} concurrent clients, mirror engine, 64², 9 frames each, concurrency 2)\n`);
    console.log('| submitted | reached success | lost | submit req/s | p50 submit ms | p99 submit ms | all done s |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    console.log(`| ${ids.length} | ${ok} | ${REQUESTS - ok} | ${(REQUESTS / submitSeconds).toFixed(0)} | ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)} | ${allSeconds.toFixed(1)} |`);
    if (ok !== REQUESTS) throw new Error(`${REQUESTS - ok} jobs did not reach success`);
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}
