// A real Redis for the queue tests: Debian's redis-tools binary, started by the test on a unix
// socket in a temp directory (never port 6379), with AOF so a restart keeps the jobs.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** Where the binary is: ZOOMWALK_REDIS_SERVER, else Debian's (redis-server links to redis-check-rdb). */
export function redisBinary(): string | null {
  const candidates = [process.env['ZOOMWALK_REDIS_SERVER'], '/usr/bin/redis-server', '/usr/bin/redis-check-rdb'].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Why the Redis tests are skipped, or null when they can run. */
export const REDIS_SKIP = redisBinary() ? null : 'no redis-server binary: apt-get install redis-tools (or set ZOOMWALK_REDIS_SERVER); the Redis queue tests are skipped';

/** One Redis instance owned by a test. */
export interface TestRedis {
  /** The `--queue` URL (unix socket). */
  readonly url: string;
  readonly dir: string;
  /** Stops Redis as `SHUTDOWN` does (the AOF is kept). */
  stop(): Promise<void>;
  /** Starts it again on the same socket and data. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

async function ping(socket: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = new Redis({ path: socket, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      if ((await c.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      c.disconnect();
    }
    if (Date.now() > until) throw new Error(`redis did not answer on ${socket} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a Redis on a unix socket in a fresh temp directory. */
export async function startRedis(): Promise<TestRedis> {
  const bin = redisBinary();
  if (!bin) throw new Error(REDIS_SKIP!);
  const dir = mkdtempSync(join(tmpdir(), 'zoomwalk-redis-'));
  // The Debian binary picks its mode from the name it is called by.
  const link = join(dir, 'redis-server');
  symlinkSync(bin, link);
  const socket = join(dir, 'redis.sock');
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const args = ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'];
    child = spawn(link, args, { stdio: 'ignore' });
    await ping(socket, 10_000);
  };
  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
    child = null;
  };
  await start();
  return {
    url: `unix://${socket}`,
    dir,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
