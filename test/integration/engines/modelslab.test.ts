import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centredRequest, createModelslabEngine, type ModelslabOptions } from '../../../src/engines/remote/modelslab.js';
import { RemoteEngineError } from '../../../src/errors.js';
import { AbortError } from '../../../src/errors.js';
import { render } from '../../../src/render/render.js';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { fakeServer, sendJson, type FakeServer, type Received } from '../../helpers/fake-server.js';
import { texturedImage, writePng } from '../../helpers/images.js';
import { boxTask, composeAnswer, expectKnownKept, pixel, positionColour, wait } from '../../helpers/remote-fakes.js';
import type { SizedRect } from '../../../src/engines/known-pixels.js';
import { probe } from '../../helpers/video.js';

const KEY = 'ml-secret-key-8181';
const W = 96;
const H = 64;
const OUTPAINT = '/api/v1/enterprise/image_editing/outpaint';

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-modelslab-'));
  image = await writePng(texturedImage(120, 90), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

interface FakeOptions {
  /** Fetches answered "processing" before the final answer; undefined = answer the POST at once. */
  readonly pending?: number;
  /** Answers a request itself (faults); returns true when it did. */
  readonly fault?: (r: Received, res: ServerResponse, n: number) => boolean;
}

/**
 * A fake ModelsLab enterprise API: the POST checks `key` in the body and every field against the
 * documented limits (status "error" with a message per field otherwise), centres the image on the
 * width×height canvas as the service does, and answers success with output URLs, or processing
 * with fetch_result, which must be POSTed {key} until it answers success.
 */
async function fakeModelslab(o: FakeOptions = {}): Promise<FakeServer> {
  const jobs = new Map<string, { png: Buffer; fetches: number }>();
  let base = '';
  const success = (id: string) => ({ status: 'success', generationTime: 0.5, id, output: [`${base}/output/${id}.png`], proxy_links: [`${base}/output/${id}.png`], meta: {} });
  const fake = await fakeServer(async (r, res, n) => {
    if (o.fault?.(r, res, n)) return;
    if (r.method === 'GET' && r.path.startsWith('/output/')) {
      const job = jobs.get(r.path.slice('/output/'.length, -'.png'.length));
      return job ? res.writeHead(200, { 'content-type': 'image/png' }).end(job.png) : sendJson(res, 404, { status: 'error', message: 'not found' });
    }
    const b = r.json ?? {};
    if (r.method !== 'POST') return sendJson(res, 404, { status: 'error', message: 'not found' });
    if (b['key'] !== KEY) return sendJson(res, 200, { status: 'error', message: 'Invalid API key' });
    if (r.path === OUTPAINT) {
      const bad: Record<string, string[]> = {};
      const int = (k: string, min: number, max: number): number => {
        const v = b[k];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad[k] = [`The ${k} must be between ${min} and ${max}.`];
        return typeof v === 'number' ? v : 0;
      };
      const [width, height] = [int('width', 64, 1440), int('height', 64, 1440)];
      int('overlap_width', 0, 42);
      int('num_inference_steps', 1, 30);
      int('seed', 0, 2 ** 32);
      if (typeof b['guidance_scale'] !== 'number') bad['guidance_scale'] = ['must be a number'];
      for (const k of ['prompt', 'negative_prompt']) if (typeof b[k] !== 'string') bad[k] = ['must be a string'];
      if (typeof b['image'] !== 'string' || !b['image'].startsWith('data:image/png;base64,')) bad['image'] = ['must be a URL or a data URI'];
      if (b['base64'] !== false || b['temp'] !== true || b['webhook'] !== null || b['track_id'] !== null) bad['base64'] = ['base64/temp/webhook/track_id not as sent by zoomwalk'];
      if (Object.keys(bad).length) return sendJson(res, 200, { status: 'error', message: bad });
      const input = Buffer.from((b['image'] as string).slice('data:image/png;base64,'.length), 'base64');
      const meta = await sharp(input).metadata();
      // The service centres the picture (rounding down), like zoomwalk's own server.
      const answer = await composeAnswer(input, width, height, Math.floor((width - meta.width!) / 2), Math.floor((height - meta.height!) / 2));
      const id = String(jobs.size + 1000);
      jobs.set(id, { png: answer.png, fetches: 0 });
      if (o.pending === undefined) return sendJson(res, 200, success(id));
      return sendJson(res, 200, { status: 'processing', id, eta: 1, fetch_result: `${base}/api/v6/images/fetch/${id}`, future_links: [], message: 'queued', tip: randomUUID() });
    }
    if (r.path.startsWith('/api/v6/images/fetch/')) {
      const id = r.path.slice('/api/v6/images/fetch/'.length);
      const job = jobs.get(id);
      if (!job) return sendJson(res, 404, { status: 'error', message: 'Request not found' });
      if (job.fetches++ < (o.pending ?? 0)) return sendJson(res, 200, { status: 'processing', id, eta: 1, message: 'processing' });
      return sendJson(res, 200, success(id));
    }
    return sendJson(res, 404, { status: 'error', message: 'not found' });
  });
  base = fake.url;
  return fake;
}

const submits = (fake: FakeServer): Received[] => fake.received.filter((r) => r.path === OUTPAINT);
const fetches = (fake: FakeServer): Received[] => fake.received.filter((r) => r.path.startsWith('/api/v6/images/fetch/'));
const fast = (url: string, extra: Partial<ModelslabOptions> = {}) => createModelslabEngine({ url, key: KEY, pollIntervalMs: 20, backoffMs: 10, retries: 3, ...extra });
const OFF: SizedRect = { x: 0, y: 0, width: 50, height: 40 };

/** Runs one off-centre outpaint through `fake`, closing both; resolves to the image or the error. */
async function outpaintWith(fake: FakeServer, extra: Partial<ModelslabOptions> = {}, signal?: AbortSignal): Promise<unknown> {
  const engine = fast(fake.url, extra);
  try {
    return await engine.outpaint(boxTask(W, H, OFF), signal).catch((e: unknown) => e);
  } finally {
    await engine.close?.();
    await fake.close();
  }
}

describe('modelslab engine', () => {
  it('renders a 3-step walk through a fake ModelsLab (processing → fetch_result), key in every body', async () => {
    const fake = await fakeModelslab({ pending: 1 });
    const engine = fast(fake.url);
    try {
      const out = join(dir, 'walk.mp4');
      const result = await render(
        { image, walk_type: ['left', 'backward', 'up'], width: W, height: H, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 11, prompt: 'a lake' },
        { output: out, engine },
      );
      expect(result.engine).toBe('modelslab');
      expect((await probe(out)).frames).toBe(13);
      expect(submits(fake)).toHaveLength(3);
      expect(fetches(fake)).toHaveLength(6);
      for (const r of fetches(fake)) expect(r.json).toEqual({ key: KEY });
      for (const r of submits(fake)) {
        expect(r.json).toMatchObject({ key: KEY, prompt: 'a lake', base64: false, temp: true, webhook: null, track_id: null });
        // The known part is exactly centred on the requested canvas, which holds the 96×64 one.
        const meta = await sharp(Buffer.from((r.json!['image'] as string).split(',')[1]!, 'base64')).metadata();
        const [w, h] = [r.json!['width'] as number, r.json!['height'] as number];
        expect(w).toBeGreaterThanOrEqual(W);
        expect(h).toBeGreaterThanOrEqual(H);
        expect([(w - meta.width!) % 2, (h - meta.height!) % 2]).toEqual([0, 0]);
      }
      // A step left leaves the known part at the right edge: the request is wider than the canvas.
      expect(submits(fake)[0]!.json!['width']).toBeGreaterThan(W);
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });

  it('sends a centred known part on the task canvas itself, clamping overlap and steps to the service limits', async () => {
    const fake = await fakeModelslab();
    const engine = fast(fake.url);
    try {
      const task = boxTask(W, H, { x: 20, y: 8, width: 56, height: 48 }, { overlap: 100, steps: 50, seed: 9, guidance: 6 });
      const out = await engine.outpaint(task);
      expect(submits(fake)[0]!.json).toMatchObject({ width: W, height: H, overlap_width: 42, num_inference_steps: 30, guidance_scale: 6, seed: 9, negative_prompt: 'blur' });
      expect(fetches(fake)).toHaveLength(0);
      expectKnownKept(task, out);
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });

  it('requests a larger canvas for an off-centre known part and cuts the task canvas out of it', async () => {
    expect(centredRequest(OFF, W, H)).toEqual({ width: 142, height: 88, cropX: 46, cropY: 24 });
    expect(centredRequest({ x: 30, y: 0, width: 66, height: 64 }, W, H)).toEqual({ width: 126, height: 64, cropX: 0, cropY: 0 });
    const fake = await fakeModelslab();
    const engine = fast(fake.url);
    try {
      const task = boxTask(W, H, OFF);
      const out = await engine.outpaint(task);
      expect(submits(fake)[0]!.json).toMatchObject({ width: 142, height: 88 });
      expectKnownKept(task, out);
      // Far from the seam the generated pixels are where the service put them relative to the picture.
      for (const [x, y] of [[95, 63], [95, 0], [0, 63]] as const) expect(pixel(out, x, y)).toEqual(positionColour(x, y, OFF));
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    const fake = await fakeModelslab({ fault: (_r, res, n) => n === 0 && (sendJson(res, 429, { status: 'error', message: 'rate limited' }, { 'retry-after': '1' }), true) });
    const t = Date.now();
    expect(await outpaintWith(fake)).toMatchObject({ width: W, height: H });
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
    expect(submits(fake)).toHaveLength(2);
  });

  it('retries a 503 twice, then succeeds', async () => {
    let busy = 0;
    const fake = await fakeModelslab({ pending: 1, fault: (r, res) => r.path.startsWith('/api/v6/') && busy < 2 && (busy++, sendJson(res, 503, { message: 'busy' }), true) });
    expect(await outpaintWith(fake)).toMatchObject({ width: W, height: H });
    // Two 503s, then processing, then success.
    expect(fetches(fake)).toHaveLength(4);
  });

  it('retries a connection reset', async () => {
    const fake = await fakeModelslab({ fault: (_r, res, n) => n === 0 && (res.socket?.destroy(), true) });
    expect(await outpaintWith(fake)).toMatchObject({ width: W, height: H });
    expect(submits(fake)).toHaveLength(2);
  });

  it('gives up on a job that stays processing with a deadline error', async () => {
    const fake = await fakeModelslab({ pending: Number.POSITIVE_INFINITY });
    const err = await outpaintWith(fake, { deadlineMs: 200 });
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toMatch(/^engine "modelslab": POST \/api\/v6\/images\/fetch\/\d+ was not ready after 0 s$/);
  });

  it('stops on abort mid-poll and sends no further request', async () => {
    const fake = await fakeModelslab({ pending: Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const err = await outpaintWith(fake, { pollIntervalMs: 30 }, controller.signal);
    expect(err).toBeInstanceOf(AbortError);
    const count = fake.received.length;
    expect(fetches(fake).length).toBeGreaterThan(1);
    await wait(200);
    expect(fake.received.length).toBe(count);
  });

  it('reports a malformed JSON answer with one clear error, without retrying', async () => {
    const fake = await fakeModelslab({ fault: (_r, res) => (res.writeHead(200, { 'content-type': 'application/json' }).end('<html>502 Bad Gateway'), true) });
    const err = await outpaintWith(fake);
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toBe(`engine "modelslab": POST ${OUTPAINT} returned malformed JSON: <html>502 Bad Gateway`);
    expect(fake.received).toHaveLength(1);
  });

  it('turns status "error" (HTTP 200 or 4xx) into an error carrying the message', async () => {
    const e200 = await outpaintWith(await fakeModelslab({ fault: (_r, res) => (sendJson(res, 200, { status: 'error', message: 'NSFW content detected' }), true) }));
    expect(e200).toBeInstanceOf(RemoteEngineError);
    expect((e200 as Error).message).toBe(`engine "modelslab": the service reported an error: NSFW content detected`);
    const e400 = await outpaintWith(await fakeModelslab({ fault: (_r, res) => (sendJson(res, 400, { status: 'error', message: 'width too large' }), true) }));
    expect((e400 as RemoteEngineError).status).toBe(400);
    expect((e400 as Error).message).toContain('width too large');
    const later = await outpaintWith(await fakeModelslab({ pending: 0, fault: (r, res) => r.path.startsWith('/api/v6/') && (sendJson(res, 200, { status: 'failed', message: { error: 'out of memory' } }), true) }));
    expect((later as Error).message).toContain('out of memory');
  });

  it('never shows the key, even when the service echoes it back', async () => {
    const logs: string[] = [];
    const echo = (status: number) => (r: Received, res: ServerResponse) => (sendJson(res, status, { status: 'error', message: `key ${String(r.json?.['key'])} is not valid` }), true);
    for (const status of [200, 401, 503]) {
      const fake = await fakeModelslab({ fault: echo(status) });
      const err = await outpaintWith(fake, { retries: 1, log: (m) => logs.push(m) });
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect((err as Error).message).toContain('is not valid');
      expect((err as Error).message).not.toContain(KEY);
      expect(fake.received[0]!.json!['key']).toBe(KEY);
    }
    const later = await fakeModelslab({ pending: 0, fault: (r, res) => r.path.startsWith('/api/v6/') && (sendJson(res, 200, { status: 'error', message: { key: [`${KEY} expired`] } }), true) });
    expect(String(await outpaintWith(later))).toContain('*** expired');
    expect(logs.length).toBeGreaterThan(0);
    for (const m of logs) expect(m).not.toContain(KEY);
  });

  for (const syncWaitMs of [DEFAULT_SERVER_OPTIONS.syncWaitMs, 0]) {
    it(`works against zoomwalk's own server (enterprise format, mirror engine, syncWaitMs ${syncWaitMs})`, async () => {
      const { app } = buildServer({ ...DEFAULT_SERVER_OPTIONS, syncWaitMs, dataDir: join(dir, `data-${syncWaitMs}`), engine: 'mirror', auth: { open: false, keys: ['k1'] }, allowPrivateUrls: true });
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      const engine = createModelslabEngine({ url: base, key: 'k1', pollIntervalMs: 20 });
      try {
        const task = boxTask(W, H, OFF);
        const out = await engine.outpaint(task);
        expectKnownKept(task, out);
      } finally {
        await engine.close?.();
        await app.close();
      }
    });
  }
});
