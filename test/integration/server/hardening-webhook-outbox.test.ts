import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { texturedImage, writePng } from '../../helpers/images.js';

// The webhook outbox: a delivery pending when the server stops is made after the restart, once,
// signed over a timestamp.
const SECRET = 'whsec-test';

interface Call {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let dir: string;
let hook: Server;
let hookUrl: string;
let answer: 'fail' | 'ok' | 'stall' = 'fail';
const calls: Call[] = [];
let inline: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-outbox-'));
  inline = `data:image/png;base64,${(await readFile(await writePng(texturedImage(64, 48), join(dir, 'in.png')))).toString('base64')}`;
  hook = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      if (answer === 'stall') return;
      res.writeHead(answer === 'ok' ? 200 : 503).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  hook.closeAllConnections();
  hook.close();
  await rm(dir, { recursive: true, force: true });
});

function start(data: string, baseDelayMs: number): ReturnType<typeof buildServer> {
  return buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: data, engine: 'mirror', auth: { open: false, keys: ['k1'] }, allowPrivateUrls: true, minFreeBytes: 0, webhook: { secret: SECRET, baseDelayMs } });
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('webhook outbox across a restart', () => {
  it('delivers after the restart a webhook that had not been delivered when the server stopped, exactly once', async () => {
    const data = join(dir, 'data');
    const first = start(data, 1000);
    const base = await first.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await request(`${base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k1', image: inline, walk_type: ['left'], width: 64, height: 64, num_interpolation_steps: 2, webhook: hookUrl, track_id: 'order-7' }) });
    const { id } = (await res.body.json()) as { id: string };
    // The first try fails (503); the server stops before the retry is due.
    await until(() => calls.length === 1);
    await first.app.close();
    answer = 'ok';

    const second = start(data, 1000);
    await second.app.listen({ host: '127.0.0.1', port: 0 });
    await until(() => calls.length === 2);
    await new Promise((r) => setTimeout(r, 2500));
    await second.app.close();
    // A third start has nothing left to deliver.
    const third = start(data, 1000);
    await third.app.ready();
    await new Promise((r) => setTimeout(r, 500));
    await third.app.close();
    expect(calls).toHaveLength(2);

    const delivered = calls[1]!;
    expect(JSON.parse(delivered.body)).toMatchObject({ status: 'success', id, track_id: 'order-7' });
    expect(delivered.body).toBe(calls[0]!.body);
    expect(delivered.headers['x-zoomwalk-webhook-id']).toBe(id);
    // How a receiver verifies: recompute v1 over "<timestamp>.<body>" and refuse stale timestamps.
    const t = Number(delivered.headers['x-zoomwalk-timestamp']);
    expect(Math.abs(Date.now() / 1000 - t)).toBeLessThan(300);
    const expected = createHmac('sha256', SECRET).update(`${t}.${delivered.body}`).digest('hex');
    expect(delivered.headers['x-zoomwalk-signature']).toBe(`t=${t},v1=${expected}`);
    // The body alone, or another timestamp, does not verify: a replayed body cannot be re-dated.
    expect(createHmac('sha256', SECRET).update(delivered.body).digest('hex')).not.toBe(expected);
  }, 60_000);

  it('does not hold a shutdown for a receiver that never answers', async () => {
    answer = 'stall';
    calls.length = 0;
    const data = join(dir, 'stall');
    const s = start(data, 1000);
    const base = await s.app.listen({ host: '127.0.0.1', port: 0 });
    await request(`${base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k1', image: inline, walk_type: ['left'], width: 64, height: 64, num_interpolation_steps: 2, webhook: hookUrl }) }).then((r) => r.body.dump());
    await until(() => calls.length === 1);
    const started = Date.now();
    await s.app.close();
    // The delivery's own timeout is 10 s; the shutdown aborts it instead of waiting.
    expect(Date.now() - started).toBeLessThan(5000);
    hook.closeAllConnections();
  }, 30_000);
});
