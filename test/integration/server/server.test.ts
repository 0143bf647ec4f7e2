import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { MockAgent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { fakeServer } from '../../helpers/fake-server.js';
import { servePng } from '../../helpers/http.js';
import { texturedImage, writePng } from '../../helpers/images.js';
import { probe } from '../../helpers/video.js';

let dir: string;
let base: string;
let close: () => Promise<void>;
let imageServer: Server;
let imageUrl: string;
let png: Buffer;

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

async function until(id: string, key = 'k1'): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const { json } = await post(`/api/v5/fetch/${id}`, { key });
    if (json['status'] !== 'processing') return json;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('job did not finish');
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-server-'));
  png = await readFile(await writePng(texturedImage(200, 150), join(dir, 'in.png')));
  ({ server: imageServer, url: imageUrl } = await servePng(png));
  // The test image server is on loopback, so this server must be allowed to reach private URLs;
  // the SSRF tests below use a second server that is not.
  const { app } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'data'), engine: 'mirror', auth: { open: false, keys: ['k1'] }, allowPrivateUrls: true, bodyLimitBytes: 2 * 1024 * 1024 });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  close = () => app.close();
});
afterAll(async () => {
  await close();
  imageServer.close();
  await rm(dir, { recursive: true, force: true });
});

describe('zoomwalk serve: v5 walk API', () => {
  it('runs the public docs example body ("back", numbers as strings) to a video with the right frame count', async () => {
    const body = JSON.parse(await readFile(join(import.meta.dirname, '..', '..', '..', 'samples', 'requests', 'docs-example.json'), 'utf8')) as Record<string, unknown>;
    const sent = { ...body, key: 'k1', image: imageUrl, width: '96', height: '64', width_translation_per_step: '8', height_translation_per_step: '6', num_interpolation_steps: 5 };
    const first = await post('/api/v5/outpaint', sent);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: 'processing', fetch_result: `${base}/api/v5/fetch/${first.json['id']}` });
    expect(first.json['future_links']).toEqual([`${base}/generations/${first.json['id']}.mp4`]);
    const done = await until(first.json['id'] as string);
    expect(done).toMatchObject({ status: 'success', id: first.json['id'], meta: { walk_type: ['backward', 'backward', 'left', 'up'], frames: 21, width: 96, height: 64 } });
    const url = (done['output'] as string[])[0]!;
    const res = await request(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('video/mp4');
    const file = join(dir, 'got.mp4');
    await writeFile(file, Buffer.from(await res.body.arrayBuffer()));
    expect((await probe(file)).frames).toBe(1 + 4 * 5);
    // The admitted input is removed once the job is done; the output stays.
    expect(readdirSync(join(dir, 'data', 'inputs'))).toEqual([]);
    const part = await request(url, { headers: { range: 'bytes=0-99' } });
    expect(part.statusCode).toBe(206);
    expect((await part.body.arrayBuffer()).byteLength).toBe(100);
  });

  it('answers an image-only request (as_video "no") with success and a PNG of the requested size', async () => {
    const { status, json } = await post('/api/v5/outpaint', { key: 'k1', image: `data:image/png;base64,${png.toString('base64')}`, walk_type: ['left'], width: 96, height: 64, as_video: 'no' });
    expect([status, json['message']]).toEqual([200, undefined]);
    expect(json['status']).toBe('success');
    const res = await request((json['output'] as string[])[0]!);
    expect(res.headers['content-type']).toBe('image/png');
    const meta = await sharp(Buffer.from(await res.body.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([96, 64]);
  });

  it('rejects a wrong or missing key with 401 and queues nothing', async () => {
    const before = await request(`${base}/api/jobs`, { headers: { 'x-key': 'k1' } }).then((r) => r.body.json() as Promise<{ jobs: unknown[] }>);
    for (const key of ['nope', undefined]) {
      const { status, json } = await post('/api/v5/outpaint', { key, image: imageUrl, walk_type: ['left'] });
      expect(status).toBe(401);
      expect(json['message']).toMatch(/API key/);
    }
    const after = await request(`${base}/api/jobs`, { headers: { 'x-key': 'k1' } }).then((r) => r.body.json() as Promise<{ jobs: unknown[] }>);
    expect(after.jobs.length).toBe(before.jobs.length);
  });

  it.each([
    ['malformed JSON', '{oops', 400, /malformed JSON/],
    ['an unknown walk type', { key: 'k1', image: 'http://example.com/x.png', walk_type: ['sideways'] }, 422, /walk_type\[0\]: "sideways" is not one of/],
    ['a local file path as image', { key: 'k1', image: '/etc/passwd', walk_type: ['left'] }, 422, /image: must be an http\(s\) URL/],
    ['a body over the limit', JSON.stringify({ key: 'k1', image: 'x'.repeat(3 * 1024 * 1024), walk_type: ['left'] }), 413, /too large/],
  ])('rejects %s with a clear 4xx', async (_, body, status, message) => {
    const res = await post('/api/v5/outpaint', body);
    expect(res.status).toBe(status);
    expect(res.json['status']).toBe('error');
    expect(res.json['message']).toMatch(message);
  });

  it('never serves files outside the generations directory', async () => {
    // The raw path, unnormalised, as an attacker would send it.
    const raw = await new Promise<number>((resolve, reject) => {
      const u = new URL(base);
      const req = httpRequest({ host: u.hostname, port: u.port, path: '/generations/../../etc/passwd' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject).end();
    });
    expect(raw).toBe(404);
    for (const path of ['/generations/..%2F..%2Fetc%2Fpasswd', '/generations/.hidden.mp4', '/generations/nope.mp4']) {
      expect((await request(`${base}${path}`)).statusCode).toBe(404);
    }
  });

  it('lists jobs and cancels one for operators', async () => {
    const { json } = await post('/api/v5/outpaint', { key: 'k1', image: imageUrl, walk_type: ['left', 'left', 'left', 'left'], width: 64, height: 64, num_interpolation_steps: 120 });
    const id = json['id'] as string;
    const del = await request(`${base}/api/jobs/${id}`, { method: 'DELETE', headers: { authorization: 'Bearer k1' } });
    expect(del.statusCode).toBe(200);
    expect(await del.body.json()).toEqual({ status: 'cancelled', id });
    expect(await until(id)).toMatchObject({ status: 'error', message: 'cancelled' });
    const list = (await request(`${base}/api/jobs`, { headers: { 'x-key': 'k1' } }).then((r) => r.body.json())) as { jobs: { id: string; status: string }[] };
    expect(list.jobs.find((j) => j.id === id)?.status).toBe('cancelled');
    expect((await request(`${base}/health`).then((r) => r.body.json()))).toMatchObject({ status: 'ok', queue: { backend: 'embedded', workers: 1 } });
  });
});

/** A PNG that claims `w`×`h` pixels in its header (a decompression bomb's first bytes). */
function bombPng(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const byte of b) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(0)), chunk('IEND', Buffer.alloc(0))]);
}

describe('zoomwalk serve: input images', () => {
  it('refuses a 20,000×20,000 PNG with 422 before queueing anything', async () => {
    const before = (await request(`${base}/api/jobs?limit=500`, { headers: { 'x-key': 'k1' } }).then((r) => r.body.json())) as { jobs: unknown[] };
    const { status, json } = await post('/api/v5/outpaint', { key: 'k1', image: `data:image/png;base64,${bombPng(20000, 20000).toString('base64')}`, walk_type: ['left'] });
    expect(status).toBe(422);
    expect(json['message']).toMatch(/^image: 20000×20000 is 400000000 pixels; the limit is/);
    const after = (await request(`${base}/api/jobs?limit=500`, { headers: { 'x-key': 'k1' } }).then((r) => r.body.json())) as { jobs: unknown[] };
    expect(after.jobs.length).toBe(before.jobs.length);
  });

  it('refuses bytes that are not an image', async () => {
    const { status, json } = await post('/api/v5/outpaint', { key: 'k1', image: `data:image/png;base64,${Buffer.from('not a picture at all').toString('base64')}`, walk_type: ['left'] });
    expect(status).toBe(422);
    expect(json['message']).toMatch(/^image: is not an image that can be decoded/);
  });
});

describe('zoomwalk serve: engines a request may pick', () => {
  it('runs a job on an enabled remote engine with its engine_options, and refuses one not enabled', async () => {
    const fake = await fakeServer(async (r, res) => {
      const img = await sharp(Buffer.from(r.json!['image'] as string, 'base64')).png().toBuffer();
      res.writeHead(200, { 'content-type': 'image/png' }).end(img);
    });
    process.env['ZOOMWALK_IOPAINT_URL'] = fake.url;
    const { app } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'engines'), engine: 'mirror', engines: ['iopaint'], auth: { open: true, keys: [] }, allowPrivateUrls: true });
    const at = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const send = (body: unknown) => request(`${at}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const refused = await send({ image: imageUrl, walk_type: ['left'], engine: 'classical' });
      expect(refused.statusCode).toBe(422);
      expect(((await refused.body.json()) as { message: string }).message).toBe('engine: "classical" is not enabled on this server; enabled: mirror, iopaint');
      const res = await send({ image: imageUrl, walk_type: ['left'], width: 64, height: 64, num_interpolation_steps: 2, engine: 'iopaint', engine_options: { sd_sampler: 'DPM++ 2M' } });
      const { id } = (await res.body.json()) as { id: string };
      let done: Record<string, unknown> = {};
      for (let i = 0; i < 200; i++) {
        done = (await request(`${at}/api/v5/fetch/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.body.json())) as Record<string, unknown>;
        if (done['status'] !== 'processing') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(done).toMatchObject({ status: 'success', meta: { engine: 'iopaint' } });
      expect(fake.received).toHaveLength(1);
      expect(fake.received[0]!.json).toMatchObject({ sd_sampler: 'DPM++ 2M' });
    } finally {
      delete process.env['ZOOMWALK_IOPAINT_URL'];
      await app.close();
      await fake.close();
    }
  });
});

describe('zoomwalk serve: webhooks', () => {
  it('delivers the result with track_id and a valid signature, retrying past two failures', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    let calls = 0;
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        calls++;
        if (calls <= 2) return void res.writeHead(500).end();
        received.push({ body, signature: req.headers['x-zoomwalk-signature'] as string | undefined });
        res.writeHead(204).end();
      });
    }).listen(0, '127.0.0.1');
    await once(hook, 'listening');
    const { app } = buildServer({
      ...DEFAULT_SERVER_OPTIONS,
      dataDir: join(dir, 'hooks'),
      engine: 'mirror',
      auth: { open: true, keys: [] },
      allowPrivateUrls: true,
      webhook: { secret: 's3cret', baseDelayMs: 20 },
    });
    const at = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await request(`${at}/api/v5/outpaint`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image: imageUrl, walk_type: ['left'], width: 64, height: 64, num_interpolation_steps: 3, webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`, track_id: 'order-42' }),
      });
      const { id } = (await res.body.json()) as { id: string };
      for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(calls).toBe(3);
      const { body, signature } = received[0]!;
      // The signature covers a timestamp with the body (replay protection, docs/server.md).
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature ?? '') ?? [];
      expect(v1).toBe(createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex'));
      expect(JSON.parse(body)).toMatchObject({ status: 'success', id, track_id: 'order-42', output: [`${at}/generations/${id}.mp4`] });
    } finally {
      await app.close();
      hook.close();
    }
  });
});

describe('zoomwalk serve: SSRF guard', () => {
  it('re-checks redirects: a public URL redirecting to the metadata address is refused, nothing queued', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get('http://images.example.com').intercept({ path: '/cat.png' }).reply(302, '', { headers: { location: 'http://169.254.169.254/latest/meta-data' } });
    const guarded = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'redirect'), engine: 'mirror', auth: { open: true, keys: [] }, fetchDispatcher: mock });
    const at = await guarded.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await request(`${at}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: 'http://images.example.com/cat.png', walk_type: ['left'] }) });
      expect(res.statusCode).toBe(422);
      expect(((await res.body.json()) as { message: string }).message).toBe('image: 169.254.169.254 is a private or loopback address');
      expect(await guarded.queue.list(10)).toEqual([]);
    } finally {
      await guarded.app.close();
      await mock.close();
    }
  });

  it('refuses a 50 MB body with 413 under the default limit', async () => {
    const guarded = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'big'), engine: 'mirror', auth: { open: true, keys: [] } });
    const at = await guarded.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await request(`${at}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: 'A'.repeat(50 * 1024 * 1024), walk_type: ['left'] }) });
      expect(res.statusCode).toBe(413);
      expect(await res.body.json()).toEqual({ status: 'error', message: 'request body too large' });
      expect(await guarded.queue.list(10)).toEqual([]);
    } finally {
      await guarded.app.close();
    }
  });

  it.each(['http://127.0.0.1/x.png', 'http://10.0.0.1/x.png', 'http://169.254.169.254/latest/meta-data', 'http://localhost:80/x.png', 'http://[::1]/x.png', 'file:///etc/passwd'])(
    'rejects %s at submit and queues nothing',
    async (url) => {
      const guarded = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'guarded'), engine: 'mirror', auth: { open: true, keys: [] } });
      const at = await guarded.app.listen({ host: '127.0.0.1', port: 0 });
      try {
        const res = await request(`${at}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: url, walk_type: ['left'] }) });
        expect(res.statusCode).toBe(422);
        expect(((await res.body.json()) as { message: string }).message).toMatch(/^image: /);
        expect(await guarded.queue.list(10)).toEqual([]);
      } finally {
        await guarded.app.close();
      }
    },
  );
});
