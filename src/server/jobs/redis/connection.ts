import { UsageError, ZoomwalkError } from '../../../errors.js';

/** ioredis options taken from a `--queue` URL (what BullMQ's `connection` accepts). */
export interface RedisTarget {
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** The URL without its password, for logs. */
  readonly display: string;
}

/**
 * Parses `redis://[user:pass@]host:port/db` or `unix:///path/to/redis.sock?db=N` (a local socket,
 * what the tests use). Throws ZW_USAGE naming the flag for anything else.
 */
export function parseQueueUrl(text: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--queue: "${text}" is not a URL; use redis://host:port/db or unix:///path/redis.sock`);
  }
  const auth = { ...(url.username ? { username: decodeURIComponent(url.username) } : {}), ...(url.password ? { password: decodeURIComponent(url.password) } : {}) };
  if (url.protocol === 'unix:') {
    const db = Number(url.searchParams.get('db') ?? 0);
    if (!Number.isInteger(db) || db < 0) throw new UsageError(`--queue: db must be a non-negative integer, not "${url.searchParams.get('db')}"`);
    return { path: url.pathname, db, ...auth, display: `unix://${url.pathname}?db=${db}` };
  }
  if (url.protocol !== 'redis:') throw new UsageError(`--queue: "${url.protocol}" is not supported; use redis://host:port/db or unix:///path/redis.sock`);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UsageError(`--queue: the database in "${text}" must be a non-negative integer`);
  const port = url.port ? Number(url.port) : 6379;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, db, ...auth, display: `redis://${url.hostname}:${port}/${db}` };
}

/** The ioredis options of a target, without the display name. */
export function redisOptions(t: RedisTarget): Record<string, unknown> {
  const { display: _display, ...rest } = t;
  return rest;
}

/** How long the API waits for Redis before answering 503 (the bound). */
export const REDIS_ANSWER_MS = 2_000;

/** Runs a Redis call from the API, mapping "Redis is not there" to 503 ZW_QUEUE_UNAVAILABLE within REDIS_ANSWER_MS. */
export async function answered<T>(what: string, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_ANSWER_MS} ms`)), REDIS_ANSWER_MS);
  });
  try {
    return await Promise.race([call(), late]);
  } catch (err) {
    if (err instanceof ZoomwalkError) throw err;
    throw new ZoomwalkError('ZW_QUEUE_UNAVAILABLE', `the job queue is unavailable (${what}: ${err instanceof Error ? err.message : String(err)}); nothing was queued, retry in a few seconds`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
