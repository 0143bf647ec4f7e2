/**
 * Queue bench: the same small walk through the embedded queue (concurrency 1 and 2, the baseline)
 * and through Redis with 1 and 2 `zoomwalk worker` processes, all in this run. Prints jobs/minute
 * (submission of the first job to the end of the last) and the submit latency p50/p99 of JOBS
 * submissions from 20 concurrent clients, each as a ratio to the embedded queue measured here.
 * Skipped with a message when Debian's redis binary (redis-tools: redis-check-rdb) is missing.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { request } from 'undici';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../src/server/app.js';
import { parseQueueUrl } from '../src/server/jobs/redis/connection.js';
import { type Proc, startWorker } from '../test/helpers/queue-procs.js';
import { REDIS_SKIP, startRedis, type TestRedis } from '../test/support/redis.js';
import { samplePhoto } from './sample.js';

const JOBS = Number(process.env['BENCH_QUEUE_JOBS'] ?? 60);
const CLIENTS = 20;

interface Row {
  readonly name: string;
  readonly jobsPerMinute: number;
  readonly p50: number;
  readonly p99: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Submits JOBS walks from CLIENTS clients, waits for every one, and measures. */
async function measure(name: string, dir: string, body: Record<string, unknown>, options: Partial<Parameters<typeof buildServer>[0]>): Promise<Row> {
  const { app, queue } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: dir, engine: 'mirror', auth: { open: true, keys: [] }, limits: { maxQueued: JOBS * 2, rateLimitPerMinute: 1_000_000 }, ...options });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const latencies: number[] = [];
    const ids: string[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < JOBS) {
          const seed = next++;
          const t = performance.now();
          const res = await request(`${base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, seed }) });
          const json = (await res.body.json()) as { id?: string };
          latencies.push(performance.now() - t);
          if (res.statusCode !== 200 || !json.id) throw new Error(`${name}: submit failed: ${res.statusCode} ${JSON.stringify(json)}`);
          ids.push(json.id);
        }
      }),
    );
    let last = started;
    for (const id of ids) {
      const job = await queue.waitFor(id, 600_000);
      if (job?.status !== 'success') throw new Error(`${name}: job ${id} ended ${job?.status ?? 'missing'}`);
      last = Math.max(last, job.updatedAt);
    }
    latencies.sort((a, b) => a - b);
    return { name, jobsPerMinute: (JOBS * 60_000) / (last - started), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    await app.close();
  }
}

/** One Redis run: its own Redis, `workers` worker processes on the shared store, the API in this process. */
async function redisRun(workers: number, dir: string, body: Record<string, unknown>): Promise<Row> {
  const redis: TestRedis = await startRedis();
  const procs: Proc[] = [];
  try {
    for (let i = 0; i < workers; i++) procs.push(await startWorker(redis.url, dir, ['--engine', 'mirror']));
    return await measure(`redis, ${workers} worker${workers > 1 ? 's' : ''}`, dir, body, { queue: { target: parseQueueUrl(redis.url), workers: 0 } });
  } finally {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    await redis.dispose();
  }
}

/** Runs the four set-ups and prints a markdown table. */
export async function benchQueue(): Promise<void> {
  if (REDIS_SKIP) {
    console.log(`\n## Queue backends\n\nskipped: ${REDIS_SKIP}`);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'zoomwalk-bench-queue-'));
  try {
    const small = await sharp(await readFile(samplePhoto())).resize(96, 96).png().toBuffer();
    const body = { image: `data:image/png;base64,${small.toString('base64')}`, walk_type: ['backward', 'left', 'up'], width: 128, height: 128, translation_factor: 0.25, num_interpolation_steps: 6, fps: 8 };
    const rows: Row[] = [];
    rows.push(await measure('embedded, concurrency 1', join(root, 'e1'), body, { concurrency: 1 }));
    rows.push(await measure('embedded, concurrency 2', join(root, 'e2'), body, { concurrency: 2 }));
    rows.push(await redisRun(1, join(root, 'r1'), body));
    rows.push(await redisRun(2, join(root, 'r2'), body));
    const [e1, e2] = rows as [Row, Row, Row, Row];
    console.log(`\n## Queue backends (${JOBS} walks of 3 steps, 128², 19 frames, mirror engine, ${CLIENTS} concurrent clients)\n`);
    console.log('Ratios: jobs/min against the embedded queue at concurrency 1; submit latency against the embedded queue with the same parallelism.\n');
    console.log('| set-up | jobs/min | ×embedded c1 | submit p50 ms | p99 ms | p50 ×embedded | p99 ×embedded |');
    console.log('| --- | --- | --- | --- | --- | --- | --- |');
    rows.forEach((r, i) => {
      const ref = i % 2 === 0 ? e1 : e2;
      console.log(`| ${r.name} | ${r.jobsPerMinute.toFixed(0)} | ${(r.jobsPerMinute / e1.jobsPerMinute).toFixed(2)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${(r.p50 / ref.p50).toFixed(2)} | ${(r.p99 / ref.p99).toFixed(2)} |`);
    });
    const [, , r1, r2] = rows as [Row, Row, Row, Row];
    console.log(`\n2 workers / 1 worker: ${(r2.jobsPerMinute / r1.jobsPerMinute).toFixed(2)}× jobs/min`);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchQueue();
