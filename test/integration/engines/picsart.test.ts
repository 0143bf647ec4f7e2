import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPicsartEngine, type PicsartOptions } from '../../../src/engines/remote/picsart.js';
import { RemoteEngineError } from '../../../src/errors.js';
import type { OutpaintTask } from '../../../src/engines/types.js';
import { AbortError } from '../../../src/errors.js';
import { render } from '../../../src/render/render.js';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { fakeServer, sendJson, type FakeServer, type Received } from '../../helpers/fake-server.js';
import { texturedImage, writePng } from '../../helpers/images.js';
import { readForm, type ParsedForm } from '../../helpers/multipart.js';
import { probe } from '../../helpers/video.js';

const KEY = 'pk-live-secret-0123456789';
const W = 96;
const H = 64;

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-picsart-'));
  image = await writePng(texturedImage(120, 90), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A fake Picsart with what it was sent; `fault` may answer a request first (returns true when it did). */
interface FakePicsart extends FakeServer {
  readonly posted: ParsedForm[];
}
type Fault = (r: Received, res: ServerResponse, n: number) => boolean;

/**
 * Implements the documented contract: X-Picsart-API-Key, multipart image + mask (same size,
 * white = generate) and the text fields; 202 {status: ACCEPTED, inference_id} then `pending`
 * polls of {status: processing} before success; {detail, code} error bodies. Fills the mask grey.
 */
async function fakePicsart(o: { pending?: number; fault?: Fault } = {}): Promise<FakePicsart> {
  const posted: ParsedForm[] = [];
  const results = new Map<string, { png: Buffer; polls: number }>();
  const bad = (res: ServerResponse, code: number, detail: string): void => sendJson(res, code, { detail, code });
  const fake = await fakeServer(async (r, res, n) => {
    if (o.fault?.(r, res, n)) return;
    const url = new URL(r.path, 'http://x');
    const download = /^\/results\/([\w-]+)\.png$/.exec(url.pathname);
    if (download) {
      // The result is a CDN link: the key must not travel there.
      if (r.headers['x-picsart-api-key'] !== undefined) return bad(res, 400, 'API key sent to the CDN');
      const hit = results.get(download[1]!);
      return hit ? res.writeHead(200, { 'content-type': 'image/png' }).end(hit.png) : bad(res, 404, 'no such file');
    }
    if (r.headers['x-picsart-api-key'] !== KEY) return bad(res, 401, 'invalid or missing X-Picsart-API-Key header');
    const poll = /^\/v1\/painting\/expand\/inferences\/([\w-]+)$/.exec(url.pathname);
    if (r.method === 'GET' && poll) {
      const job = results.get(poll[1]!);
      if (!job) return bad(res, 404, `no inference ${poll[1]}`);
      if (job.polls++ < (o.pending ?? 1)) return sendJson(res, 200, { status: 'processing' });
      return sendJson(res, 200, { status: 'success', data: [{ id: poll[1], url: `http://${r.headers.host}/results/${poll[1]}.png` }] });
    }
    if (r.method !== 'POST' || url.pathname !== '/v1/painting/expand') return bad(res, 404, 'Not Found');
    const form = await readForm(r);
    if (!form) return bad(res, 400, 'send multipart/form-data');
    posted.push(form);
    const { image: img, mask } = form.files;
    if (!img || !mask) return bad(res, 400, 'image and mask files are required');
    const f = form.fields;
    if (f['count'] !== '1' || f['format'] !== 'PNG' || !/^\d+$/.test(f['seed'] ?? '') || !['sync', 'async'].includes(f['mode'] ?? '')) return bad(res, 400, `bad fields ${JSON.stringify(f)}`);
    if (typeof f['prompt'] !== 'string' || typeof f['negative_prompt'] !== 'string') return bad(res, 400, 'prompt and negative_prompt are expected');
    const pic = await sharp(img.bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const m = await sharp(mask.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
    if (pic.info.width !== m.info.width || pic.info.height !== m.info.height) return bad(res, 400, 'image and mask sizes differ');
    const out = Buffer.from(pic.data);
    for (let p = 0; p < pic.info.width * pic.info.height; p++) if (m.data[p * m.info.channels]! > 127) out.fill(128, p * 3, p * 3 + 3);
    const id = `inf-${n}`;
    results.set(id, { png: await sharp(out, { raw: { width: pic.info.width, height: pic.info.height, channels: 3 } }).png().toBuffer(), polls: 0 });
    if (f['mode'] === 'sync') return sendJson(res, 200, { status: 'success', data: [{ id, url: `http://${r.headers.host}/results/${id}.png` }] });
    return sendJson(res, 202, { status: 'ACCEPTED', inference_id: id });
  });
  return { ...fake, posted };
}

/** A W×H task whose left 16 columns are to be generated. */
function bandTask(): OutpaintTask {
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) mask.fill(255, y * W, y * W + 16);
  return { image: texturedImage(W, H, 2), mask, prompt: 'a shore', negativePrompt: 'blur', seed: 42, steps: 20, guidance: 7.5, overlap: 4 };
}

let fake: FakePicsart | null = null;
const engines: { close?(): Promise<void> }[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close?.();
  await fake?.close();
  fake = null;
});
const engine = (extra: Partial<PicsartOptions> = {}) => {
  const e = createPicsartEngine({ url: fake!.url, key: KEY, pollIntervalMs: 10, backoffMs: 10, ...extra });
  engines.push(e);
  return e;
};
const posts = () => fake!.received.filter((r) => r.method === 'POST');

describe('picsart engine', () => {
  it('renders a 3-step walk through a fake Picsart, sending key, canvas, mask and fields, then polling', async () => {
    fake = await fakePicsart({ pending: 2 });
    const out = join(dir, 'walk.mp4');
    const result = await render(
      { image, walk_type: ['left', 'backward', 'up'], width: W, height: H, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 11, prompt: 'a lake' },
      { output: out, engine: engine() },
    );
    expect(result.engine).toBe('picsart');
    expect((await probe(out)).frames).toBe(13);
    expect(fake.posted).toHaveLength(3);
    for (const form of fake.posted) {
      expect(form.fields).toMatchObject({ prompt: 'a lake', count: '1', format: 'PNG', mode: 'async' });
      expect(form.fields['seed']).toMatch(/^\d+$/);
      expect(form.files['image']!.type).toBe('image/png');
      const [img, mask] = await Promise.all([sharp(form.files['image']!.bytes).metadata(), sharp(form.files['mask']!.bytes).greyscale().raw().toBuffer()]);
      expect([img.format, img.width, img.height]).toEqual(['png', W, H]);
      expect(mask.includes(255) && mask.includes(0)).toBe(true);
    }
    // Each step: POST, 2 × processing, success, download — the key on all but the download.
    expect(fake.received).toHaveLength(15);
    for (const r of fake.received) expect(r.headers['x-picsart-api-key']).toBe(r.path.startsWith('/results/') ? undefined : KEY);
  });

  it('keeps the known pixels exactly and fills the rest with what the service returned (sync mode: no polling)', async () => {
    fake = await fakePicsart();
    const task = bandTask();
    const out = await engine({ mode: 'sync' }).outpaint(task);
    expect([out.width, out.height]).toEqual([W, H]);
    for (let p = 0; p < task.mask.length; p++) {
      if (task.mask[p] === 0) expect([...out.data.subarray(p * 3, p * 3 + 3)]).toEqual([...task.image.data.subarray(p * 3, p * 3 + 3)]);
    }
    // Far from the seam the fake's grey is untouched by the colour matching.
    expect([...out.data.subarray(0, 3)]).toEqual([128, 128, 128]);
    expect(fake.posted[0]!.fields).toMatchObject({ prompt: 'a shore', negative_prompt: 'blur', seed: '42', mode: 'sync' });
    const mask = await sharp(fake.posted[0]!.files['mask']!.bytes).greyscale().raw().toBuffer();
    expect([mask[0], mask[15], mask[16], mask[W - 1]]).toEqual([255, 255, 0, 0]);
    expect(fake.received.map((r) => r.method + ' ' + r.path.replace(/inf-\d+/, 'ID'))).toEqual(['POST /v1/painting/expand', 'GET /results/ID.png']);
  });

  it('waits for Retry-After on 429, then re-sends the whole multipart body', async () => {
    fake = await fakePicsart({ fault: (_r, res, n) => n === 0 && (sendJson(res, 429, { detail: 'Too Many Requests', code: 429 }, { 'retry-after': '1' }), true) });
    const t = Date.now();
    const out = await engine().outpaint(bandTask());
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
    expect(out.width).toBe(W);
    expect(posts()).toHaveLength(2);
    // The retry must carry the whole form again, not an already-consumed stream.
    const [first, second] = await Promise.all(posts().map(readForm));
    expect(Object.keys(second!.files).sort()).toEqual(['image', 'mask']);
    expect(second!.fields).toEqual(first!.fields);
    expect(second!.files['image']!.bytes.equals(first!.files['image']!.bytes)).toBe(true);
  });

  it('retries 503 twice, then succeeds', async () => {
    fake = await fakePicsart({ fault: (r, res, n) => r.method === 'POST' && n < 2 && (sendJson(res, 503, { detail: 'Service Unavailable', code: 503 }), true) });
    expect((await engine().outpaint(bandTask())).height).toBe(H);
    expect(posts()).toHaveLength(3);
  });

  it('retries a connection reset, on the POST and on a poll', async () => {
    fake = await fakePicsart({ fault: (_r, res, n) => (n === 0 || n === 2) && (res.socket?.destroy(), true) });
    expect((await engine().outpaint(bandTask())).width).toBe(W);
    expect(posts()).toHaveLength(2);
  });

  it('ends an inference that never finishes with a deadline error', async () => {
    fake = await fakePicsart({ pending: Infinity });
    const err = await engine({ deadlineMs: 200 }).outpaint(bandTask()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toMatch(/^engine "picsart": GET \/v1\/painting\/expand\/inferences\/inf-\d+ was not ready after 0 s$/);
  });

  it('stops polling on abort and sends no further request', async () => {
    fake = await fakePicsart({ pending: Infinity });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const err = await engine({ pollIntervalMs: 30 }).outpaint(bandTask(), controller.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    const count = fake.received.length;
    expect(count).toBeGreaterThan(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.received.length).toBe(count);
  });

  it('reports a malformed JSON answer once, clearly, without retrying', async () => {
    fake = await fakePicsart({ fault: (_r, res) => (res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "ACC'), true) });
    const err = await engine().outpaint(bandTask()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toBe('engine "picsart": POST /v1/painting/expand returned malformed JSON: {"status": "ACC');
    expect(fake.received).toHaveLength(1);
  });

  it('turns a failed inference and a {detail, code} error body into RemoteEngineErrors', async () => {
    fake = await fakePicsart({ fault: (r, res) => r.method === 'GET' && (sendJson(res, 200, { status: 'failed', inference_id: 'x', detail: 'content policy' }), true) });
    await expect(engine().outpaint(bandTask())).rejects.toThrow(/^engine "picsart": inference failed: content policy$/);
    await fake.close();
    fake = await fakePicsart({ fault: (_r, res) => (sendJson(res, 400, { detail: 'mask must match the image', code: 400 }), true) });
    const err = (await engine().outpaint(bandTask()).catch((e: unknown) => e)) as RemoteEngineError;
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect([err.status, err.message]).toEqual([400, 'engine "picsart": POST /v1/painting/expand answered 400: {"detail":"mask must match the image","code":400}']);
    expect(fake.received).toHaveLength(1);
  });

  it('never puts the API key in an error, even when the service echoes it', async () => {
    fake = await fakePicsart({ fault: (_r, res) => (sendJson(res, 401, { detail: `key ${KEY} is not valid`, code: 401 }), true) });
    const e1 = (await engine().outpaint(bandTask()).catch((e: unknown) => e)) as Error;
    await fake.close();
    fake = await fakePicsart({ fault: (r, res) => r.method === 'GET' && (sendJson(res, 200, { status: 'failed', detail: `quota of ${KEY} used up` }), true) });
    const e2 = (await engine().outpaint(bandTask()).catch((e: unknown) => e)) as Error;
    for (const e of [e1, e2]) {
      expect(e).toBeInstanceOf(RemoteEngineError);
      expect(e.message).toContain('***');
      expect(e.message).not.toContain(KEY);
      expect(String(e.stack)).not.toContain(KEY);
    }
  });

  it('works against zoomwalk’s own Picsart-format server, async and sync', async () => {
    const { app } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'server'), engine: 'mirror', auth: { open: false, keys: ['k1'] }, allowPrivateUrls: true });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      for (const mode of ['async', 'sync'] as const) {
        const e = createPicsartEngine({ url: base, key: 'k1', mode, pollIntervalMs: 20, backoffMs: 10 });
        engines.push(e);
        const task = bandTask();
        const out = await e.outpaint(task);
        expect([out.width, out.height, out.data.length]).toEqual([W, H, W * H * 3]);
        expect([...out.data.subarray(20 * 3, 21 * 3)]).toEqual([...task.image.data.subarray(20 * 3, 21 * 3)]);
      }
    } finally {
      await app.close();
    }
  });
});
