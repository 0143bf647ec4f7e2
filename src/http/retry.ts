/**
 * The one retry policy for HTTP calls that are tried again: remote engines (src/engines/remote/client.ts)
 * and webhook delivery (src/server/webhook.ts). Exponential backoff with ±50 % jitter, or the wait
 * the server asked for in Retry-After (seconds or an HTTP date), never above a cap.
 *
 * undici ships a retry interceptor (RetryHandler / RetryAgent), but it does not fit these callers:
 * it cannot replay the FormData and stream bodies remote engines POST, its backoff has no jitter
 * (clients that failed together would retry together), it hands back only a generic
 * RequestRetryError where callers must report the last status and body excerpt and log each
 * retry, and its wait does not end at once on the caller's AbortSignal. Webhook delivery also
 * builds a fresh SSRF-guarded dispatcher and re-checks the URL on every try. So the loops stay in
 * the callers and this module owns the decisions: how long to wait, and what is worth retrying.
 */

/** How backoff grows and where it stops. */
export interface RetryDelayOptions {
  /** The first backoff, ms; it doubles with each retry. */
  readonly baseMs: number;
  /** The longest single wait, ms, Retry-After included. */
  readonly maxMs: number;
  /** Uniform source in [0, 1) for the jitter (default Math.random); tests pin it. */
  readonly random?: () => number;
  /** The clock an HTTP-date Retry-After is measured from, ms since the epoch (default now). */
  readonly now?: number;
}

/** Connection-level failures worth another try: the service may be restarting or overloaded. */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Retry-After as ms to wait (seconds or an HTTP date; a past date is 0), or null when absent or unreadable. */
export function retryAfterMs(value: string | readonly string[] | null | undefined, now = Date.now()): number | null {
  const v = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  // Every HTTP-date form starts with the day's name; Date.parse alone would read "-5" as a year.
  const at = /^[A-Za-z]/.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The wait before retry number `attempt` (0 = the first retry): what Retry-After asks for when
 * the answer carried one, else baseMs·2^attempt scaled by a jitter factor in [0.5, 1.5); capped at maxMs.
 */
export function retryDelay(attempt: number, retryAfter: string | readonly string[] | null | undefined, o: RetryDelayOptions): number {
  const asked = retryAfterMs(retryAfter, o.now ?? Date.now());
  const backoff = o.baseMs * 2 ** attempt * (0.5 + (o.random ?? Math.random)());
  return Math.min(o.maxMs, asked ?? backoff);
}

/** True for an answer worth another try: 429 (rate limited) and 5xx; any other 4xx would fail the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The system or undici code of a failed request, wherever undici or fetch put it; "" when it has none. */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : '';
}

/** True for a dropped or timed-out connection (see RETRYABLE_CODES), false for anything else. */
export function isRetryableError(err: unknown): boolean {
  return RETRYABLE_CODES.has(errorCode(err));
}
