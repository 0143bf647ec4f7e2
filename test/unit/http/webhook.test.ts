// Webhook delivery against an undici MockAgent installed as the global dispatcher: no socket opens.
// deliverWebhook uses the global dispatcher when private URLs are allowed (the SSRF guard brings its
// own agent otherwise), so these tests allow them.
import { createHmac } from 'node:crypto';
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverWebhook, signature, type WebhookOptions } from '../../../src/server/webhook.js';

const ORIGIN = 'http://127.0.0.1:40000';
const HOOK = `${ORIGIN}/hook`;
const PAYLOAD = { id: 'job-1', status: 'succeeded', output: ['https://example.com/v.mp4'], note: 'ünïcode ✓' };

/** One request the mock service received, and when. */
interface Hit {
  readonly at: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

let agent: MockAgent;
let previous: Dispatcher;
let hits: Hit[];
let logs: string[];
beforeEach(() => {
  previous = getGlobalDispatcher();
  agent = new MockAgent();
  agent.disableNetConnect();
  hits = [];
  logs = [];
  // Every request is recorded once on its way to the mock, whatever the mock answers.
  setGlobalDispatcher(
    agent.compose((dispatch) => (opts, handler) => {
      hits.push({ at: performance.now(), body: String(opts.body), headers: lowerCase(opts.headers) });
      return dispatch(opts, handler);
    }),
  );
});
afterEach(async () => {
  setGlobalDispatcher(previous);
  await agent.close();
});

/** Delivery options for the tests: short waits unless a test says otherwise. */
const options = (o: Partial<WebhookOptions> = {}): WebhookOptions => ({ allowPrivateUrls: true, tries: 4, baseDelayMs: 1, timeoutMs: 5000, log: (m) => logs.push(m), ...o });

/** Answers the next request with `status` (and `headers`). */
function answer(status: number, headers: Record<string, string> = {}): void {
  agent.get(ORIGIN).intercept({ path: '/hook', method: 'POST' }).reply(status, '', { headers });
}

/** Fails the next request at the connection level. */
function drop(): void {
  agent.get(ORIGIN).intercept({ path: '/hook', method: 'POST' }).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
}

/** Request headers as undici hands them to a dispatcher (object or flat array), names lower-cased. */
function lowerCase(h: unknown): Record<string, string> {
  const entries = Array.isArray(h) ? pairs(h as string[]) : Object.entries((h ?? {}) as Record<string, string>);
  return Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the body with the secret', () => {
    const body = JSON.stringify(PAYLOAD);
    expect(signature('s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
    expect(signature('s3cret', body)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signature('other', body)).not.toBe(signature('s3cret', body));
  });
});

describe('deliverWebhook', () => {
  it('POSTs the payload as JSON, signed over the raw body it sent', async () => {
    answer(204);
    expect(await deliverWebhook(HOOK, PAYLOAD, options({ secret: 's3cret' }))).toBe(true);
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    expect(hit.body).toBe(JSON.stringify(PAYLOAD));
    expect(JSON.parse(hit.body)).toEqual(PAYLOAD);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['user-agent']).toBe('zoomwalk');
    expect(hit.headers['x-zoomwalk-signature']).toBe(`sha256=${createHmac('sha256', 's3cret').update(hit.body).digest('hex')}`);
  });

  it('sends no signature header without a secret', async () => {
    answer(200);
    expect(await deliverWebhook(HOOK, PAYLOAD, options())).toBe(true);
    expect(hits[0]!.headers).not.toHaveProperty('x-zoomwalk-signature');
  });

  it('retries after a 5xx, a 4xx and a dropped connection, then delivers, signing every try alike', async () => {
    answer(503);
    answer(404);
    drop();
    answer(200);
    expect(await deliverWebhook(HOOK, PAYLOAD, options({ secret: 's3cret' }))).toBe(true);
    expect(hits).toHaveLength(4);
    expect(new Set(hits.map((h) => h.body))).toEqual(new Set([JSON.stringify(PAYLOAD)]));
    for (const h of hits) expect(h.headers['x-zoomwalk-signature']).toBe(signature('s3cret', JSON.stringify(PAYLOAD)));
    expect(logs).toHaveLength(3);
    expect(logs[0]).toContain('attempt 1/4 answered HTTP 503');
    expect(logs[1]).toContain('attempt 2/4 answered HTTP 404');
    expect(logs[2]).toContain('attempt 3/4 failed');
  });

  it('gives up after `tries` attempts, resolving false without throwing', async () => {
    for (let i = 0; i < 3; i++) answer(500);
    answer(200); // never asked for: the fourth try is not made
    expect(await deliverWebhook(HOOK, PAYLOAD, options({ tries: 3 }))).toBe(false);
    expect(hits).toHaveLength(3);
    expect(logs.map((l) => /attempt (\d)\/3/.exec(l)?.[1])).toEqual(['1', '2', '3']);
  });

  it('honours Retry-After over its own backoff', async () => {
    // The backoff alone would wait 5–15 s before the second try; the receiver asks for 0.2 s.
    answer(429, { 'retry-after': '0.2' });
    answer(200);
    const t0 = performance.now();
    expect(await deliverWebhook(HOOK, PAYLOAD, options({ baseDelayMs: 10_000 }))).toBe(true);
    expect(hits).toHaveLength(2);
    const gap = hits[1]!.at - hits[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(190);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('refuses a private address when private URLs are not allowed, on every try, without a request', async () => {
    answer(200);
    expect(await deliverWebhook(HOOK, PAYLOAD, options({ allowPrivateUrls: false, tries: 2 }))).toBe(false);
    expect(hits).toHaveLength(0);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(/private or loopback/);
  });
});
