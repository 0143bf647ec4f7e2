import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request, type Dispatcher, type FormData } from 'undici';
import { AbortError, RemoteEngineError } from '../../errors.js';
import { errorCode, isRetryableError, isRetryableStatus, retryDelay } from '../../http/retry.js';
import { redact } from './redact.js';

/** How a remote engine reaches its service. */
export interface RemoteClientOptions {
  /** Engine name, used in every error. */
  readonly engine: string;
  /** Base URL; request paths are resolved against it (absolute URLs are used as they are). */
  readonly baseUrl: string;
  /** Values that must never appear in an error or a log line (API keys, tokens). */
  readonly secrets?: readonly string[];
  /** Connect and between-bytes timeout, ms (default 30 s). */
  readonly timeoutMs?: number;
  /** Retries after the first try on 429, 5xx and dropped connections (default 4; see src/http/retry.ts). */
  readonly retries?: number;
  /** First backoff, ms, doubled each retry with ±50 % jitter (default 500); Retry-After wins when given. */
  readonly backoffMs?: number;
  /** Upper bound of any single wait, ms (default 30 s). */
  readonly maxBackoffMs?: number;
  readonly dispatcher?: Dispatcher;
  readonly log?: (message: string) => void;
}

/** One HTTP call. */
export interface CallOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string, Buffer or FormData as it is. */
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** A successful answer, its body read once. */
export interface CallResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly bytes: Buffer;
}

/**
 * The HTTP plumbing every remote engine shares, and the base for one of your own: undici with
 * timeouts, retries by the policy of src/http/retry.ts (backoff with jitter on 429/5xx and dropped
 * connections, Retry-After honoured), cancellation by AbortSignal, JSON helpers, polling with a
 * deadline, and errors that name the engine and path but never a key.
 */
export class RemoteClient {
  private readonly agent: Dispatcher;
  private readonly owned: Agent | null;

  constructor(private readonly o: RemoteClientOptions) {
    const timeout = o.timeoutMs ?? 30_000;
    this.owned = o.dispatcher ? null : new Agent({ connectTimeout: timeout, headersTimeout: timeout, bodyTimeout: timeout });
    this.agent = o.dispatcher ?? this.owned!;
  }

  /** Resolves a path against the base URL. */
  url(path: string): URL {
    return new URL(path, this.o.baseUrl.endsWith('/') ? this.o.baseUrl : `${this.o.baseUrl}/`);
  }

  private fail(path: string, status: number | null, message: string, cause?: unknown): RemoteEngineError {
    return new RemoteEngineError(this.o.engine, path, status, redact(message, this.o.secrets ?? []), cause === undefined ? undefined : { cause });
  }

  /** Makes a call, retrying what is worth retrying; throws RemoteEngineError for a final non-2xx answer. */
  async call(path: string, c: CallOptions = {}): Promise<CallResult> {
    const url = this.url(path);
    const label = `${c.method ?? 'GET'} ${url.pathname}`;
    const retries = this.o.retries ?? 4;
    const isObject = c.body !== undefined && typeof c.body === 'object' && !Buffer.isBuffer(c.body) && !(c.body instanceof Uint8Array) && !isFormData(c.body);
    const body = isObject ? JSON.stringify(c.body) : (c.body as string | Buffer | FormData | undefined);
    const headers = { ...(isObject ? { 'content-type': 'application/json' } : {}), accept: 'application/json, image/*', ...c.headers };
    for (let attempt = 0; ; attempt++) {
      if (c.signal?.aborted) throw new AbortError();
      let retryAfter: string | string[] | undefined;
      let why: string;
      try {
        const res = await request(url, { method: c.method ?? 'GET', headers, body: body as never, dispatcher: this.agent, ...(c.signal ? { signal: c.signal } : {}) });
        const bytes = Buffer.from(await res.body.arrayBuffer());
        if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, headers: res.headers, bytes };
        why = `${label} answered ${res.statusCode}: ${excerpt(bytes)}`;
        if (!isRetryableStatus(res.statusCode)) throw this.fail(url.pathname, res.statusCode, why);
        retryAfter = res.headers['retry-after'];
        if (attempt >= retries) throw this.fail(url.pathname, res.statusCode, `${why} (after ${attempt + 1} tries)`);
      } catch (err) {
        if (err instanceof RemoteEngineError) throw err;
        if (c.signal?.aborted || (err as Error).name === 'AbortError') throw new AbortError();
        why = `${label} failed: ${errorCode(err) || (err as Error).message}`;
        if (!isRetryableError(err) || attempt >= retries) throw this.fail(url.pathname, null, attempt > 0 ? `${why} (after ${attempt + 1} tries)` : why, err);
      }
      const delay = retryDelay(attempt, retryAfter, { baseMs: this.o.backoffMs ?? 500, maxMs: this.o.maxBackoffMs ?? 30_000 });
      this.o.log?.(redact(`${this.o.engine}: ${why}; retrying in ${Math.round(delay)} ms`, this.o.secrets ?? []));
      try {
        await sleep(delay, undefined, c.signal ? { signal: c.signal } : undefined);
      } catch {
        throw new AbortError();
      }
    }
  }

  /** A call whose answer must be JSON. */
  async json<T = Record<string, unknown>>(path: string, c: CallOptions = {}): Promise<T> {
    const res = await this.call(path, c);
    try {
      return JSON.parse(res.bytes.toString('utf8')) as T;
    } catch (err) {
      throw this.fail(this.url(path).pathname, res.status, `${c.method ?? 'GET'} ${this.url(path).pathname} returned malformed JSON: ${excerpt(res.bytes)}`, err);
    }
  }

  /**
   * Calls `step` every `intervalMs` until it returns a value (not undefined), the deadline passes
   * (RemoteEngineError) or the signal fires (AbortError, with no further request).
   */
  async poll<T>(what: string, step: () => Promise<T | undefined>, o: { intervalMs: number; deadlineMs: number; signal?: AbortSignal }): Promise<T> {
    const end = Date.now() + o.deadlineMs;
    for (;;) {
      if (o.signal?.aborted) throw new AbortError();
      const value = await step();
      if (value !== undefined) return value;
      if (Date.now() + o.intervalMs > end) throw this.fail(what, null, `${what} was not ready after ${Math.round(o.deadlineMs / 1000)} s`);
      try {
        await sleep(o.intervalMs, undefined, o.signal ? { signal: o.signal } : undefined);
      } catch {
        throw new AbortError();
      }
    }
  }

  /** Releases the connection pool. */
  async close(): Promise<void> {
    await this.owned?.close();
  }
}

function isFormData(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { append?: unknown }).append === 'function' && typeof (v as { getAll?: unknown }).getAll === 'function';
}

function excerpt(bytes: Buffer): string {
  const text = bytes.toString('utf8').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(empty body)';
}
