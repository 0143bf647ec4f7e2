// Access and denial of service (issue #11, defect 4): slow clients are cut off, a wrong key is refused
// before its body is read, per-key rate limits, and a bounded queue. Loopback only, bounded counts.
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutpaintEngine } from '../../../src/engines/types.js';
import { buildServer, DEFAULT_SERVER_OPTIONS, type JobQueue, type ServerOptions } from '../../../src/server/index.js';
import { texturedImage, writePng } from '../../helpers/images.js';

const MB = 1024 * 1024;

async function start(dir: string, extra: Partial<ServerOptions>): Promise<{ base: string; port: number; queue: JobQueue; close: () => Promise<void>; sockets: Socket[] }> {
  const built = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'data'), engine: 'mirror', auth: { open: false, keys: ['ka', 'kb'] }, ...extra });
  const sockets: Socket[] = [];
  built.app.server.on('connection', (s: Socket) => sockets.push(s));
  const base = await built.app.listen({ host: '127.0.0.1', port: 0 });
  return { base, port: Number(new URL(base).port), queue: built.queue, close: () => built.app.close(), sockets };
}

/**
 * POSTs a `total`-byte JSON body that starts with `head`, writing as fast as the server reads it.
 * Resolves with the answer and how many bytes the client had written when it arrived.
 */
function streamBody(port: number, path: string, head: string, total: number, headers: Record<string, string> = {}, tail = '"}'): Promise<{ status: number; body: string; writtenAtAnswer: number }> {
  return new Promise((resolve, reject) => {
    let written = 0;
    let writtenAtAnswer = -1;
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(total), ...headers } });
    req.on('response', (res) => {
      writtenAtAnswer = written;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, writtenAtAnswer }));
    });
    // The server may close while we are still writing: only a missing answer is a failure.
    req.on('error', (e) => (writtenAtAnswer < 0 ? reject(e) : undefined));
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    req.write(head);
    written = head.length;
    const pump = (): void => {
      while (written < total - tail.length && writtenAtAnswer < 0) {
        const n = Math.min(chunk.length, total - tail.length - written);
        written += n;
        if (!req.write(chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      if (writtenAtAnswer < 0) req.end(tail);
    };
    pump();
  });
}

let dir: string;
let png: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-access-'));
  png = await readFile(await writePng(texturedImage(64, 48), join(dir, 'in.png')));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('slow clients', () => {
  it('50 sockets sending headers slowly are cut off by the header timeout, and /health answers meanwhile', async () => {
    const s = await start(join(dir, 'slow'), { limits: { headersTimeoutMs: 500 } });
    try {
      const closed: boolean[] = [];
      const slow = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const sock = connect(s.port, '127.0.0.1');
          await once(sock, 'connect');
          sock.on('error', () => undefined);
          sock.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
          // One more header line every 100 ms, never the blank line that ends them.
          const drip = setInterval(() => sock.write(`X-Drip-${i}: 1\r\n`), 100);
          sock.once('close', () => {
            clearInterval(drip);
            closed[i] = true;
          });
          return { sock, drip };
        }),
      );
      const health = await request(`${s.base}/health`);
      expect(health.statusCode).toBe(200);
      expect(await health.body.json()).toMatchObject({ status: 'ok', queue: { backend: 'embedded' } });
      // Bounded wait (20 × the timeout): the server, not the client, must close every one.
      for (let t = 0; t < 100 && closed.filter(Boolean).length < 50; t++) await new Promise((r) => setTimeout(r, 100));
      for (const { drip } of slow) clearInterval(drip);
      expect(closed.filter(Boolean).length).toBe(50);
      expect((await request(`${s.base}/health`)).statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('wrong keys and big bodies', () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    s = await start(join(dir, 'keys'), { limits: { unverifiedBodies: 1, unverifiedFreeBytes: 64 * 1024 } });
  });
  afterAll(async () => s.close());

  /** Bytes the server read on all its connections so far. */
  const serverRead = (): number => s.sockets.reduce((n, sock) => n + sock.bytesRead, 0);

  it('v5: a wrong body key sent first is answered 401 while the client is still writing a 22 MB body', async () => {
    const before = serverRead();
    const r = await streamBody(s.port, '/api/v5/outpaint', '{"key":"wrong","image":"', 22 * MB);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'error', message: expect.stringMatching(/API key/) });
    expect(r.writtenAtAnswer).toBeLessThan(22 * MB);
    expect(serverRead() - before).toBeLessThan(11 * MB);
  });

  it('a wrong x-key header is answered 401 before the body is read (v5, ModelsLab, BFL)', async () => {
    for (const [path, head] of [
      ['/api/v5/outpaint', '{"image":"'],
      ['/api/v1/enterprise/image_editing/outpaint', '{"image":"'],
      ['/v1/flux-tools/outpainting-v1', '{"input_image":"'],
    ] as const) {
      const before = serverRead();
      const r = await streamBody(s.port, path, head, 22 * MB, { 'x-key': 'wrong' });
      expect(r.status, path).toBe(401);
      expect(r.writtenAtAnswer, path).toBeLessThan(22 * MB);
      expect(serverRead() - before, path).toBeLessThan(11 * MB);
    }
  });

  it('a wrong multipart key is answered 401 before the file is read (edit-outpaint, Picsart)', async () => {
    for (const [path, header] of [
      ['/api/edit/outpaint', 'x-key'],
      ['/v1/painting/expand', 'x-picsart-api-key'],
    ] as const) {
      const before = serverRead();
      const r = await streamBody(s.port, path, '--zz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\n', 22 * MB, { [header]: 'wrong', 'content-type': 'multipart/form-data; boundary=zz' }, '\r\n--zz--\r\n');
      expect(r.status, path).toBe(401);
      expect(r.writtenAtAnswer, path).toBeLessThan(22 * MB);
      expect(serverRead() - before, path).toBeLessThan(11 * MB);
    }
  });

  it('a key sent last is still checked: three 2 MB bodies through one slot, wrong keys 401, the right key admitted', async () => {
    const big = (key: string): Promise<{ status: number; body: string }> => streamBody(s.port, '/api/v5/outpaint', '{"image":"', 2 * MB, {}, `","key":"${key}"}`);
    const answers = await Promise.all([big('wrong1'), big('wrong2'), big('ka')]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 422]);
    // Admitted, then refused by validation (the image is not one): the key check passed.
    expect(JSON.parse(answers[2]!.body)).toMatchObject({ status: 'error', errors: expect.any(Array) });
  });

  it('the right key in a header admits a body without one; a keyless body gets 401', async () => {
    const ok = await request(`${s.base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer kb' }, body: '{"walk_type":["left"]}' });
    expect(ok.statusCode).toBe(422);
    await ok.body.dump();
    const none = await request(`${s.base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"walk_type":["left"]}' });
    expect(none.statusCode).toBe(401);
    await none.body.dump();
  });

  it('a wrong body key is refused even when a header or an earlier duplicate "key" was right', async () => {
    for (const [headers, body] of [
      [{ 'x-key': 'ka' }, '{"key":"wrong","walk_type":["left"]}'],
      [{}, '{"key":"ka","walk_type":["left"],"key":"wrong"}'],
    ] as const) {
      const r = await request(`${s.base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect(r.statusCode, body).toBe(401);
      await r.body.dump();
    }
  });
});

describe('rate limit per key', () => {
  it('answers 429 with Retry-After after N requests of one key; another key and /health are unaffected', async () => {
    const s = await start(join(dir, 'rate'), { limits: { rateLimitPerMinute: 3 } });
    try {
      const bfl = (key: string) => request(`${s.base}/v1/get_result?id=nope`, { headers: { 'x-key': key } });
      for (let i = 0; i < 3; i++) {
        const r = await bfl('ka');
        expect(r.statusCode).toBe(404);
        await r.body.dump();
      }
      const limited = await bfl('ka');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(await limited.body.json()).toMatchObject({ status: 'error', message: expect.stringMatching(/rate limit/) });
      // The same key in a v5 body shares the bucket.
      const v5 = await request(`${s.base}/api/v5/fetch/nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"key":"ka"}' });
      expect(v5.statusCode).toBe(429);
      await v5.body.dump();
      const other = await bfl('kb');
      expect(other.statusCode).toBe(404);
      await other.body.dump();
      for (let i = 0; i < 5; i++) expect((await request(`${s.base}/health`)).statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('bounded queue', () => {
  it('a full queue answers 503 ZW_QUEUE_FULL with Retry-After and queues nothing', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // Holds the first job running, so the next ones wait in the queue.
    const engine: OutpaintEngine = { name: 'held', outpaint: async (task) => (await released, task.image) };
    const s = await start(join(dir, 'queue'), { engine, concurrency: 1, limits: { maxQueued: 1 } });
    try {
      const submit = () =>
        request(`${s.base}/v1/flux-tools/outpainting-v1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'ka' }, body: JSON.stringify({ input_image: png.toString('base64'), width: 96, height: 64 }) });
      const first = (await (await submit()).body.json()) as { id: string };
      for (let i = 0; i < 200 && (await s.queue.get(first.id))?.status !== 'processing'; i++) await new Promise((r) => setTimeout(r, 10));
      const second = await submit();
      expect(second.statusCode).toBe(200);
      await second.body.dump();
      expect(await s.queue.depth()).toBe(1);
      const full = await submit();
      expect(full.statusCode).toBe(503);
      expect(full.headers['retry-after']).toBe('10');
      expect(await full.body.json()).toMatchObject({ status: 'error', message: expect.stringMatching(/queue is full/) });
      const v5 = await request(`${s.base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'ka', image: `data:image/png;base64,${png.toString('base64')}`, walk_type: ['left'], width: 64, height: 64 }) });
      expect(v5.statusCode).toBe(503);
      await v5.body.dump();
      expect(await s.queue.list(10)).toHaveLength(2);
      // Reads still answer.
      const poll = await request(`${s.base}/v1/get_result?id=${first.id}`, { headers: { 'x-key': 'ka' } });
      expect(poll.statusCode).toBe(200);
      await poll.body.dump();
    } finally {
      release();
      await s.close();
    }
  });
});
