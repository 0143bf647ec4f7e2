import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LookupFunction } from 'node:net';
import { fetch } from 'undici';
import { ValidationError } from '../errors.js';
import { retryDelay } from '../http/retry.js';
import { checkUrl, guardedAgent } from './ssrf.js';

/** How webhooks are delivered. */
export interface WebhookOptions {
  /** HMAC-SHA256 key; when set, every delivery carries `x-zoomwalk-signature: sha256=<hex of the body>`. */
  readonly secret?: string;
  readonly allowPrivateUrls: boolean;
  /** Resolves host names for the SSRF guard (default dns.lookup). */
  readonly lookup?: LookupFunction;
  /** Attempts in all (default 6: the first, then after about 2, 4, 8, 16 and 32 s ≈ one minute). */
  readonly tries: number;
  /** The first wait, ms, doubled each retry with ±50 % jitter; a Retry-After answer wins (src/http/retry.ts). */
  readonly baseDelayMs: number;
  readonly timeoutMs: number;
  readonly log?: (message: string) => void;
}

/** The longest wait between two tries: the last backoff (32 s + jitter) fits, a Retry-After of an hour does not. */
const MAX_DELAY_MS = 60_000;

/** Six tries over about a minute, each given 10 s. */
export const DEFAULT_WEBHOOK: Omit<WebhookOptions, 'allowPrivateUrls'> = { tries: 6, baseDelayMs: 2000, timeoutMs: 10_000 };

/** True when the SSRF guard, not the network, stopped a delivery. */
function refusedByGuard(err: unknown): boolean {
  return err instanceof ValidationError || (err as { cause?: { code?: string } }).cause?.code === 'EPRIVATE';
}

/** The signature header value for a body, as receivers should recompute it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs `payload` as JSON to `url`, retrying with the shared backoff (src/http/retry.ts) on network
 * errors and non-2xx answers. Every non-2xx is retried, not only 429/5xx as for remote engines: a
 * receiver's 4xx is often a deploy in progress, and docs/server.md promises it. Resolves true once
 * delivered, false when every try failed; never throws, so a caller can fire and forget it without
 * holding up a render.
 */
export async function deliverWebhook(url: string, payload: unknown, o: WebhookOptions): Promise<boolean> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'zoomwalk' };
  if (o.secret) headers['x-zoomwalk-signature'] = signature(o.secret, body);
  for (let attempt = 1; attempt <= o.tries; attempt++) {
    let retryAfter: string | null = null;
    // Always guarded: link-local and metadata addresses are refused even with allowPrivateUrls.
    const dispatcher = guardedAgent('webhook', o.allowPrivateUrls, o.lookup);
    try {
      checkUrl(url, 'webhook', o.allowPrivateUrls);
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs), ...(dispatcher ? { dispatcher } : {}) });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) return true;
      retryAfter = res.headers.get('retry-after');
      o.log?.(`webhook ${url}: attempt ${attempt}/${o.tries} answered HTTP ${res.status}`);
    } catch (err) {
      o.log?.(`webhook ${url}: attempt ${attempt}/${o.tries} failed: ${(err as Error).message}`);
      // The guard refused the URL or what its name resolves to: another try would be refused too.
      if (refusedByGuard(err)) return false;
    } finally {
      await dispatcher?.close();
    }
    if (attempt < o.tries) await sleep(retryDelay(attempt - 1, retryAfter, { baseMs: o.baseDelayMs, maxMs: MAX_DELAY_MS }));
  }
  return false;
}
