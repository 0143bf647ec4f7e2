import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetch } from 'undici';
import { checkUrl, guardedAgent } from './ssrf.js';

/** How webhooks are delivered. */
export interface WebhookOptions {
  /** HMAC-SHA256 key; when set, every delivery carries `x-zoomwalk-signature: sha256=<hex of the body>`. */
  readonly secret?: string;
  readonly allowPrivateUrls: boolean;
  /** Attempts in all (default 6: the first, then after 2, 4, 8, 16 and 32 s ≈ one minute). */
  readonly tries: number;
  readonly baseDelayMs: number;
  readonly timeoutMs: number;
  readonly log?: (message: string) => void;
}

export const DEFAULT_WEBHOOK: Omit<WebhookOptions, 'allowPrivateUrls'> = { tries: 6, baseDelayMs: 2000, timeoutMs: 10_000 };

/** The signature header value for a body, as receivers should recompute it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs `payload` as JSON to `url`, retrying with exponential backoff on network errors and
 * non-2xx answers. Resolves true once delivered, false when every try failed; never throws, so a
 * caller can fire and forget it without holding up a render.
 */
export async function deliverWebhook(url: string, payload: unknown, o: WebhookOptions): Promise<boolean> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'zoomwalk' };
  if (o.secret) headers['x-zoomwalk-signature'] = signature(o.secret, body);
  for (let attempt = 1; attempt <= o.tries; attempt++) {
    const dispatcher = o.allowPrivateUrls ? undefined : guardedAgent('webhook');
    try {
      checkUrl(url, 'webhook', o.allowPrivateUrls);
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(o.timeoutMs), ...(dispatcher ? { dispatcher } : {}) });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) return true;
      o.log?.(`webhook ${url}: attempt ${attempt}/${o.tries} answered HTTP ${res.status}`);
    } catch (err) {
      o.log?.(`webhook ${url}: attempt ${attempt}/${o.tries} failed: ${(err as Error).message}`);
    } finally {
      await dispatcher?.close();
    }
    if (attempt < o.tries) await sleep(o.baseDelayMs * 2 ** (attempt - 1));
  }
  return false;
}
