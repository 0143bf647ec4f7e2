import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors.js';
import { RemoteClient } from '../../../src/engines/remote/client.js';
import { RemoteEngineError } from '../../../src/errors.js';
import { fakeServer, sendJson, type FakeServer } from '../../helpers/fake-server.js';

const KEY = 'sk-very-secret-key-123';
let fake: FakeServer | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const client = (url: string, extra: Partial<ConstructorParameters<typeof RemoteClient>[0]> = {}) => new RemoteClient({ engine: 'fake', baseUrl: url, secrets: [KEY], backoffMs: 10, retries: 3, ...extra });

describe('RemoteClient (shared by every remote engine)', () => {
  it('waits for Retry-After on 429, then succeeds', async () => {
    fake = await fakeServer((_r, res, n) => (n === 0 ? sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '1' }) : sendJson(res, 200, { ok: true })));
    const t = Date.now();
    expect(await client(fake.url).json('x', { method: 'POST', body: { a: 1 } })).toEqual({ ok: true });
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
    expect(fake.received).toHaveLength(2);
    expect(fake.received[1]!.json).toEqual({ a: 1 });
  });

  it('retries 503 twice, then succeeds', async () => {
    fake = await fakeServer((_r, res, n) => (n < 2 ? sendJson(res, 503, { error: 'busy' }) : sendJson(res, 200, { ok: 3 })));
    expect(await client(fake.url).json('x')).toEqual({ ok: 3 });
    expect(fake.received).toHaveLength(3);
  });

  it('retries a connection reset', async () => {
    fake = await fakeServer((_r, res, n) => (n === 0 ? void res.socket?.destroy() : sendJson(res, 200, { ok: 'again' })));
    expect(await client(fake.url).json('x')).toEqual({ ok: 'again' });
  });

  it('gives up after the retries with one typed error naming engine, path and status, never the key', async () => {
    fake = await fakeServer((_r, res) => sendJson(res, 503, { error: `bad key ${KEY}` }));
    const err = await client(fake.url).json(`v1/run?key=${KEY}`, { headers: { 'x-key': KEY } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteEngineError);
    const e = err as RemoteEngineError;
    expect([e.engine, e.status, e.code]).toEqual(['fake', 503, 'ZW_REMOTE_ENGINE']);
    expect(e.message).toMatch(/^engine "fake": GET \/v1\/run answered 503: .* \(after 4 tries\)$/);
    expect(e.message).not.toContain(KEY);
    expect(fake.received).toHaveLength(4);
  });

  it('does not retry a 4xx, and reports malformed JSON clearly', async () => {
    fake = await fakeServer((r, res) => (r.path === '/bad' ? sendJson(res, 400, { detail: 'width must be a multiple of 8' }) : void res.writeHead(200, { 'content-type': 'application/json' }).end('{not json')));
    await expect(client(fake.url).json('bad')).rejects.toThrow(/GET \/bad answered 400: .*multiple of 8/);
    await expect(client(fake.url).json('broken')).rejects.toThrow(/GET \/broken returned malformed JSON: \{not json/);
    expect(fake.received).toHaveLength(2);
  });

  it('ends a poll that never finishes with a deadline error', async () => {
    fake = await fakeServer((_r, res) => sendJson(res, 200, { status: 'processing' }));
    const c = client(fake.url);
    const err = await c.poll('GET /status', async () => ((await c.json<{ status: string }>('status')).status === 'done' ? true : undefined), { intervalMs: 20, deadlineMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toMatch(/GET \/status was not ready after 0 s/);
  });

  it('stops polling on abort and sends no further request', async () => {
    fake = await fakeServer((_r, res) => sendJson(res, 200, { status: 'processing' }));
    const c = client(fake.url);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 120);
    const err = await c.poll('GET /status', async () => ((await c.json<{ status: string }>('status', { signal: controller.signal })).status === 'done' ? true : undefined), { intervalMs: 50, deadlineMs: 10_000, signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    const count = fake.received.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.received.length).toBe(count);
  });
});
