// Webhook delivery against an undici MockAgent installed as the global dispatcher: no socket opens.
// tryWebhook takes it as its dispatcher (in place of the SSRF-guarded agent; the URL itself is still
// checked), and these tests allow private URLs so the loopback-looking origin passes that check. The outbox runs on an in-memory SQLite database.
import { createHmac } from 'node:crypto';
import Database from 'better-sqlite3';
import { getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxStore } from '../../../src/server/jobs/outbox-store.js';
import { WebhookOutbox } from '../../../src/server/webhook-outbox.js';
import { signatureHeader, tryWebhook, webhookHeaders, type WebhookOptions } from '../../../src/server/webhook.js';

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
const options = (o: Partial<WebhookOptions> = {}): WebhookOptions => ({ allowPrivateUrls: true, dispatcher: getGlobalDispatcher(), tries: 4, baseDelayMs: 1, timeoutMs: 5000, log: (m) => logs.push(m), ...o });

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
  it('is t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>"> with the secret', () => {
    const body = JSON.stringify(PAYLOAD);
    expect(signatureHeader('s3cret', 1700000000, body)).toBe(`t=1700000000,v1=${createHmac('sha256', 's3cret').update(`1700000000.${body}`).digest('hex')}`);
    expect(signatureHeader('s3cret', 1700000000, body)).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(signatureHeader('other', 1700000000, body)).not.toBe(signatureHeader('s3cret', 1700000000, body));
    // The timestamp is signed too: the same body at another time has another signature (no replay).
    expect(signatureHeader('s3cret', 1700000001, body)).not.toBe(signatureHeader('s3cret', 1700000000, body));
  });

  it('headers carry the job id, and with a secret the timestamp and signature of that moment', () => {
    const body = JSON.stringify(PAYLOAD);
    const h = webhookHeaders('job-1', body, 's3cret', 1700000000_500);
    expect(h['x-zoomwalk-webhook-id']).toBe('job-1');
    expect(h['x-zoomwalk-timestamp']).toBe('1700000000');
    expect(h['x-zoomwalk-signature']).toBe(signatureHeader('s3cret', 1700000000, body));
    expect(webhookHeaders('job-1', body, undefined)).not.toHaveProperty('x-zoomwalk-signature');
  });
});

describe('tryWebhook (one try)', () => {
  const body = JSON.stringify(PAYLOAD);

  it('POSTs the payload as JSON, signed over the raw body it sent', async () => {
    answer(204);
    expect(await tryWebhook(HOOK, 'job-1', body, options({ secret: 's3cret' }), 1)).toEqual({ ok: true, retryAfter: null });
    expect(hits).toHaveLength(1);
    const hit = hits[0]!;
    expect(hit.body).toBe(body);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers['user-agent']).toBe('zoomwalk');
    const t = Number(hit.headers['x-zoomwalk-timestamp']);
    expect(hit.headers['x-zoomwalk-signature']).toBe(`t=${t},v1=${createHmac('sha256', 's3cret').update(`${t}.${hit.body}`).digest('hex')}`);
  });

  it('sends no signature header without a secret', async () => {
    answer(200);
    expect((await tryWebhook(HOOK, 'job-1', body, options(), 1)).ok).toBe(true);
    expect(hits[0]!.headers).not.toHaveProperty('x-zoomwalk-signature');
  });

  it('counts a 5xx, a 4xx and a dropped connection as failures, naming the attempt, and passes Retry-After on', async () => {
    answer(503, { 'retry-after': '7' });
    answer(404);
    drop();
    expect(await tryWebhook(HOOK, 'job-1', body, options(), 1)).toEqual({ ok: false, retryAfter: '7' });
    expect(await tryWebhook(HOOK, 'job-1', body, options(), 2)).toEqual({ ok: false, retryAfter: null });
    expect(await tryWebhook(HOOK, 'job-1', body, options(), 3)).toEqual({ ok: false, retryAfter: null });
    expect(logs).toHaveLength(3);
    expect(logs[0]).toContain('attempt 1/4 answered HTTP 503');
    expect(logs[1]).toContain('attempt 2/4 answered HTTP 404');
    expect(logs[2]).toContain('attempt 3/4 failed');
  });

  it('refuses a private address when private URLs are not allowed, without a request', async () => {
    answer(200);
    expect((await tryWebhook(HOOK, 'job-1', body, options({ allowPrivateUrls: false }), 1)).ok).toBe(false);
    expect(hits).toHaveLength(0);
    expect(logs[0]).toMatch(/private or loopback/);
  });
});

describe('WebhookOutbox', () => {
  /** Waits until `check` holds (the outbox delivers in the background). */
  async function until(check: () => boolean, ms = 5000): Promise<void> {
    const end = performance.now() + ms;
    while (!check()) {
      if (performance.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('retries after failures, then delivers once, the same signed body every try', async () => {
    const outbox = new WebhookOutbox(new OutboxStore(new Database(':memory:')), options({ secret: 's3cret' }));
    answer(503);
    answer(404);
    drop();
    answer(200);
    outbox.enqueue('job-1', HOOK, PAYLOAD);
    outbox.enqueue('job-1', HOOK, PAYLOAD); // a second announcement of the same job is ignored
    await until(() => hits.length === 4);
    await new Promise((r) => setTimeout(r, 50));
    await outbox.close();
    expect(hits).toHaveLength(4);
    expect(new Set(hits.map((h) => h.body))).toEqual(new Set([JSON.stringify(PAYLOAD)]));
    for (const h of hits) {
      const t = Number(h.headers['x-zoomwalk-timestamp']);
      expect(h.headers['x-zoomwalk-signature']).toBe(signatureHeader('s3cret', t, h.body));
    }
  });

  it('gives up after `tries` attempts', async () => {
    const outbox = new WebhookOutbox(new OutboxStore(new Database(':memory:')), options({ tries: 3 }));
    for (let i = 0; i < 3; i++) answer(500);
    answer(200); // never asked for: the fourth try is not made
    outbox.enqueue('job-1', HOOK, PAYLOAD);
    await until(() => logs.some((l) => l.includes('giving up')));
    await outbox.close();
    expect(hits).toHaveLength(3);
    expect(logs.filter((l) => /attempt \d\/3/.test(l)).map((l) => /attempt (\d)\/3/.exec(l)?.[1])).toEqual(['1', '2', '3']);
  });

  it('honours Retry-After over its own backoff', async () => {
    // The backoff alone would wait 5–15 s before the second try; the receiver asks for 0.2 s.
    const outbox = new WebhookOutbox(new OutboxStore(new Database(':memory:')), options({ baseDelayMs: 10_000 }));
    answer(429, { 'retry-after': '0.2' });
    answer(200);
    outbox.enqueue('job-1', HOOK, PAYLOAD);
    await until(() => hits.length === 2, 3000);
    await outbox.close();
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(190);
  });
});
