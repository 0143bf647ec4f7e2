// Spawns `zoomwalk serve --queue` and `zoomwalk worker` from source for the Redis queue tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';

const entry = join(import.meta.dirname, 'cli.ts');
const tsx = pathToFileURL(join(import.meta.dirname, '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** A spawned CLI process and what it printed on stderr so far. */
export interface Proc {
  readonly child: ChildProcess;
  readonly log: () => string;
  /** Resolves with the exit code once it ended. */
  readonly exited: Promise<number | null>;
}

function start(args: string[], ready: RegExp, env: Record<string, string> = {}, preload: string[] = []): Promise<{ proc: Proc; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', tsx, ...preload.flatMap((p) => ['--import', pathToFileURL(p).href]), entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const proc: Proc = { child, log: () => err, exited };
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = ready.exec(out);
      if (m) resolve({ proc, match: m });
    });
    void exited.then((code) => reject(new Error(`${args[0]} exited with ${code}: ${err}`)));
  });
}

/** `zoomwalk serve --queue URL` on a free loopback port; resolves with its base URL. */
export async function serveQueue(queue: string, data: string, extra: string[] = [], env: Record<string, string> = {}): Promise<Proc & { base: string }> {
  const { proc, match } = await start(['serve', '--no-auth', '--port', '0', '--data', data, '--engine', 'mirror', '--allow-private-urls', '--queue', queue, ...extra], /^(http:\/\/\S+)$/m, env);
  return { ...proc, base: match[1]! };
}

/** `zoomwalk worker --queue URL --store DIR`; resolves once it takes jobs. `preload`: modules run first (test engines, e.g. busy-engine.ts). */
export async function startWorker(queue: string, store: string, extra: string[] = [], env: Record<string, string> = {}, preload: string[] = []): Promise<Proc> {
  const { proc } = await start(['worker', '--queue', queue, '--store', store, '--allow-private-urls', ...extra], /^ready$/m, env, preload);
  return proc;
}

/** POST a v5 walk; resolves with the status and body. */
export async function submit(base: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

/** The v5 fetch of a job. */
export async function fetchJob(base: string, id: string): Promise<Record<string, unknown>> {
  const res = await request(`${base}/api/v5/fetch/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const body = (await res.body.json()) as Record<string, unknown>;
  // A 503 (the queue is unavailable) says nothing about the job.
  return res.statusCode === 503 ? { ...body, status: 'unreachable' } : body;
}

/** Polls fetch until the job leaves queued/processing (or the time is up). */
export async function settle(base: string, id: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await fetchJob(base, id).catch(() => ({ status: 'unreachable' }) as Record<string, unknown>);
    if (!['processing', 'queued', 'unreachable'].includes(String(job['status'])) || Date.now() > until) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}
