import { createHmac } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import { fetch, type Dispatcher } from 'undici';
import { ValidationError } from '../errors.js';
import { checkUrl, guardedAgent } from './ssrf.js';

/** How webhooks are delivered. */
export interface WebhookOptions {
  /** HMAC-SHA256 key; when set, every delivery is signed (see signatureHeader). */
  readonly secret?: string;
  readonly allowPrivateUrls: boolean;
  /** Resolves host names for the SSRF guard (default dns.lookup). */
  readonly lookup?: LookupFunction;
  /** For tests: replaces the SSRF-guarded agent (the URL itself is still checked). */
  readonly dispatcher?: Dispatcher;
  /** Attempts in all (default 6: the first, then after about 2, 4, 8, 16 and 32 s ≈ one minute). */
  readonly tries: number;
  /** The first wait, ms, doubled each retry with ±50 % jitter; a Retry-After answer wins (src/http/retry.ts). */
  readonly baseDelayMs: number;
  readonly timeoutMs: number;
  readonly log?: (message: string) => void;
}

/** Six tries over about a minute, each given 10 s. */
export const DEFAULT_WEBHOOK: Omit<WebhookOptions, 'allowPrivateUrls'> = { tries: 6, baseDelayMs: 2000, timeoutMs: 10_000 };

/**
 * The `x-zoomwalk-signature` value for a body sent at `timestamp` (Unix seconds):
 * `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. The timestamp is signed with the
 * body, so a receiver that refuses timestamps older than 5 minutes refuses replays.
 */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers of one try: JSON, the job id (receivers dedupe on it) and, with a secret, the timestamp and signature. */
export function webhookHeaders(jobId: string, body: string, secret: string | undefined, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'zoomwalk', 'x-zoomwalk-webhook-id': jobId };
  if (secret) {
    const t = Math.floor(now / 1000);
    headers['x-zoomwalk-timestamp'] = String(t);
    headers['x-zoomwalk-signature'] = signatureHeader(secret, t, body);
  }
  return headers;
}

/** The outcome of one try: delivered, or not (with the receiver's Retry-After, if any). */
export interface WebhookTry {
  readonly ok: boolean;
  readonly retryAfter: string | null;
  /** The SSRF guard refused the URL or what its name resolves to: another try would be refused too. */
  readonly refused?: boolean;
}

/** True when the SSRF guard, not the network, stopped a delivery. */
function refusedByGuard(err: unknown): boolean {
  return err instanceof ValidationError || (err as { cause?: { code?: string } }).cause?.code === 'EPRIVATE';
}

/**
 * POSTs `body` to `url` once, through the SSRF guard (the URL is checked again and names are
 * checked at connect time). Every non-2xx counts as a failure to retry, not only 429/5xx as for
 * remote engines: a receiver's 4xx is often a deploy in progress, and docs/server.md promises it.
 * Never throws; `signal` ends it at once (shutdown).
 */
export async function tryWebhook(url: string, jobId: string, body: string, o: WebhookOptions, attempt: number, signal?: AbortSignal): Promise<WebhookTry> {
  // Always guarded: link-local and metadata addresses are refused even with allowPrivateUrls.
  const guard = o.dispatcher ? null : guardedAgent('webhook', o.allowPrivateUrls, o.lookup);
  const dispatcher = o.dispatcher ?? guard;
  try {
    checkUrl(url, 'webhook', o.allowPrivateUrls);
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const res = await fetch(url, {
      method: 'POST',
      headers: webhookHeaders(jobId, body, o.secret),
      body,
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      ...(dispatcher ? { dispatcher } : {}),
    });
    await res.body?.cancel();
    if (res.status >= 200 && res.status < 300) return { ok: true, retryAfter: null };
    o.log?.(`webhook ${url}: attempt ${attempt}/${o.tries} answered HTTP ${res.status}`);
    return { ok: false, retryAfter: res.headers.get('retry-after') };
  } catch (err) {
    if (!signal?.aborted) o.log?.(`webhook ${url}: attempt ${attempt}/${o.tries} failed: ${(err as Error).message}`);
    return { ok: false, retryAfter: null, ...(refusedByGuard(err) ? { refused: true } : {}) };
  } finally {
    await guard?.close();
  }
}
