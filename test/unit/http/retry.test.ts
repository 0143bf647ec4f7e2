import { describe, expect, it } from 'vitest';
import { errorCode, isRetryableError, isRetryableStatus, retryAfterMs, retryDelay } from '../../../src/http/retry.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const fixed = (r: number) => ({ baseMs: 500, maxMs: 30_000, random: () => r, now: NOW });

describe('retryDelay (the one backoff of remote engines and webhooks)', () => {
  it('doubles from baseMs with each retry; random 0.5 is the midpoint', () => {
    expect([0, 1, 2, 3, 4].map((a) => retryDelay(a, undefined, fixed(0.5)))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('keeps the jitter within ±50 % of the backoff', () => {
    expect(retryDelay(2, undefined, fixed(0))).toBe(1000);
    expect(retryDelay(2, undefined, fixed(0.999999))).toBeCloseTo(3000, 2);
    for (let i = 0; i < 200; i++) {
      const d = retryDelay(3, undefined, { baseMs: 100, maxMs: 1e9 });
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThan(1200);
    }
  });

  it('never waits longer than maxMs, backoff or Retry-After', () => {
    expect(retryDelay(10, undefined, fixed(0.5))).toBe(30_000);
    expect(retryDelay(0, '3600', fixed(0.5))).toBe(30_000);
    expect(retryDelay(0, new Date(NOW + 3_600_000).toUTCString(), fixed(0.5))).toBe(30_000);
  });

  it('lets Retry-After in seconds win over the backoff, without jitter', () => {
    expect(retryDelay(0, '2', fixed(0))).toBe(2000);
    expect(retryDelay(4, '1', fixed(0.9))).toBe(1000);
    expect(retryDelay(3, '0', fixed(0.5))).toBe(0);
    expect(retryDelay(0, ' 1.5 ', fixed(0.5))).toBe(1500);
    expect(retryDelay(0, ['2', '9'], fixed(0.5))).toBe(2000);
  });

  it('lets Retry-After as an HTTP date win, measured from now; a past date means no wait', () => {
    expect(retryDelay(0, new Date(NOW + 7000).toUTCString(), fixed(0.5))).toBe(7000);
    expect(retryDelay(0, 'Sun, 01 Jun 2025 12:00:05 GMT', fixed(0.5))).toBe(5000);
    expect(retryDelay(2, 'Sun, 01 Jun 2025 11:00:00 GMT', fixed(0.5))).toBe(0);
  });

  it('falls back to the backoff when Retry-After is absent or unreadable', () => {
    for (const h of [undefined, null, '', '   ', 'soon', '-5', []]) expect(retryDelay(1, h, fixed(0.5))).toBe(1000);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and null for anything else', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000);
    expect(retryAfterMs('Sun, 01 Jun 2025 12:01:00 GMT', NOW)).toBe(60_000);
    expect(retryAfterMs('later', NOW)).toBeNull();
    expect(retryAfterMs(undefined, NOW)).toBeNull();
  });
});

describe('what is worth retrying', () => {
  it('retries 429 and 5xx answers, not another 4xx', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });

  it('retries dropped and timed-out connections, by the code undici or fetch puts on the error or its cause', () => {
    const coded = (code: string) => Object.assign(new Error('x'), { code });
    expect(isRetryableError(coded('ECONNRESET'))).toBe(true);
    expect(isRetryableError(coded('UND_ERR_HEADERS_TIMEOUT'))).toBe(true);
    expect(isRetryableError(new TypeError('fetch failed', { cause: coded('ECONNREFUSED') }))).toBe(true);
    expect(isRetryableError(coded('ENOTFOUND'))).toBe(false);
    expect(isRetryableError(new Error('no code'))).toBe(false);
    expect(errorCode(new TypeError('fetch failed', { cause: coded('EPIPE') }))).toBe('EPIPE');
    expect(errorCode('not an error')).toBe('');
  });
});
