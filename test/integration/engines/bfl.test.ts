import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBflEngine, type BflOptions } from '../../../src/engines/remote/bfl.js';
import { RemoteEngineError } from '../../../src/errors.js';
import { AbortError } from '../../../src/errors.js';
import { render } from '../../../src/render/render.js';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { fakeServer, sendJson, type FakeServer, type Received } from '../../helpers/fake-server.js';
import { texturedImage, writePng } from '../../helpers/images.js';
import { boxTask, composeAnswer, expectKnownKept, pixel, positionColour, wait } from '../../helpers/remote-fakes.js';
import { probe } from '../../helpers/video.js';

const KEY = 'bfl-secret-key-4242';
const W = 96;
const H = 64;

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-bfl-'));
  image = await writePng(texturedImage(120, 90), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

interface FakeOptions {
  /** Polls answered "Pending" before the final status (default 1). */
  readonly pending?: number;
  /** The status after the pending ones (default "Ready"). */
  readonly final?: string;
  /** Answers a request itself (faults); returns true when it did. */
  readonly fault?: (r: Received, res: ServerResponse, n: number) => boolean;
}

/**
 * A fake BFL API: POST /v1/flux-tools/outpainting-v1 checks the x-key header and every field the
 * way the real service validates them (422 with {detail} otherwise), places input_image at the
 * reference offsets, and answers {id, polling_url}; polling_url answers Pending, then the final
 * status with result.sample, a delivery URL that must be fetched WITHOUT the key.
 */
async function fakeBfl(o: FakeOptions = {}): Promise<FakeServer> {
  const tasks = new Map<string, { png: Buffer; polls: number }>();
  let base = '';
  const fake = await fakeServer(async (r, res, n) => {
    if (o.fault?.(r, res, n)) return;
    const url = new URL(r.path, 'http://x');
    if (url.pathname.startsWith('/delivery/')) {
      // Delivery URLs are signed; a client that sends its key there leaks it to another host.
      if (r.headers['x-key'] !== undefined) return sendJson(res, 400, { detail: 'x-key sent to the delivery host' });
      const task = tasks.get(url.pathname.slice('/delivery/'.length, -'.png'.length));
      return task ? res.writeHead(200, { 'content-type': 'image/png' }).end(task.png) : sendJson(res, 404, { detail: 'Not Found' });
    }
    if (r.headers['x-key'] !== KEY) return sendJson(res, 403, { detail: 'Not authenticated' });
    if (r.method === 'POST' && url.pathname === '/v1/flux-tools/outpainting-v1') {
      const b = r.json ?? {};
      const bad: string[] = [];
      const int = (k: string, min: number, max: number): number => {
        const v = b[k];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad.push(k);
        return typeof v === 'number' ? v : 0;
      };
      const [width, height, x, y] = [int('width', 64, 2048), int('height', 64, 2048), int('reference_offset_x', 0, 2048), int('reference_offset_y', 0, 2048)];
      int('steps', 1, 50);
      int('seed', 0, 2 ** 32);
      int('safety_tolerance', 0, 6);
      if (typeof b['prompt'] !== 'string') bad.push('prompt');
      if (b['output_format'] !== 'png' && b['output_format'] !== 'jpeg') bad.push('output_format');
      if (typeof b['input_image'] !== 'string' || b['input_image'].startsWith('data:')) bad.push('input_image');
      if (bad.length) return sendJson(res, 422, { detail: bad.map((k) => ({ loc: ['body', k], msg: 'invalid', type: 'value_error' })) });
      const answer = await composeAnswer(Buffer.from(b['input_image'] as string, 'base64'), width, height, x, y);
      if (x + answer.inputWidth > width || y + answer.inputHeight > height) return sendJson(res, 422, { detail: [{ loc: ['body', 'reference_offset_x'], msg: 'image outside the canvas', type: 'value_error' }] });
      const id = randomUUID();
      tasks.set(id, { png: answer.png, polls: 0 });
      return sendJson(res, 200, { id, polling_url: `${base}/v1/get_result?id=${id}` });
    }
    if (r.method === 'GET' && url.pathname === '/v1/get_result') {
      const id = url.searchParams.get('id') ?? '';
      const task = tasks.get(id);
      if (!task) return sendJson(res, 200, { id, status: 'Task not found', result: null });
      if (task.polls++ < (o.pending ?? 1)) return sendJson(res, 200, { id, status: 'Pending', result: null, progress: 0.5 });
      const status = o.final ?? 'Ready';
      return sendJson(res, 200, { id, status, result: status === 'Ready' ? { sample: `${base}/delivery/${id}.png`, seed: 1 } : null, ...(status === 'Error' ? { details: { error: 'GPU fell over' } } : {}) });
    }
    return sendJson(res, 404, { detail: 'Not Found' });
  });
  base = fake.url;
  return fake;
}

const submits = (fake: FakeServer): Received[] => fake.received.filter((r) => r.method === 'POST');
const fast = (url: string, extra: Partial<BflOptions> = {}) => createBflEngine({ url, key: KEY, pollIntervalMs: 20, backoffMs: 10, retries: 3, ...extra });

/** Runs one off-centre outpaint through `fake`, closing the engine; resolves to the image or the error. */
async function outpaintWith(fake: FakeServer, extra: Partial<BflOptions> = {}, signal?: AbortSignal): Promise<unknown> {
  const engine = fast(fake.url, extra);
  try {
    return await engine.outpaint(boxTask(W, H, { x: 20, y: 8, width: 56, height: 48 }), signal).catch((e: unknown) => e);
  } finally {
    await engine.close?.();
    await fake.close();
  }
}

describe('bfl engine', () => {
  it('renders a 3-step walk through a fake BFL, with x-key, the known part and its offsets', async () => {
    const fake = await fakeBfl();
    const engine = fast(fake.url);
    try {
      const out = join(dir, 'walk.mp4');
      const result = await render(
        { image, walk_type: ['left', 'backward', 'up'], width: W, height: H, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 11, prompt: 'a lake' },
        { output: out, engine },
      );
      expect(result.engine).toBe('bfl');
      expect((await probe(out)).frames).toBe(13);
      const sent = submits(fake);
      expect(sent).toHaveLength(3);
      for (const r of fake.received.filter((q) => !q.path.startsWith('/delivery/'))) expect(r.headers['x-key']).toBe(KEY);
      for (const r of sent) {
        expect(r.json).toMatchObject({ width: W, height: H, prompt: 'a lake', output_format: 'png', safety_tolerance: 2 });
        expect(r.json).not.toHaveProperty('mode');
      }
      // A step left leaves the known part at the right edge, a step up at the bottom.
      const meta = await Promise.all(sent.map((r) => sharp(Buffer.from(r.json!['input_image'] as string, 'base64')).metadata()));
      expect(sent[0]!.json!['reference_offset_x']).toBe(W - meta[0]!.width!);
      expect(sent[0]!.json!['reference_offset_y']).toBe(0);
      expect(sent[2]!.json!['reference_offset_x']).toBe(0);
      expect(sent[2]!.json!['reference_offset_y']).toBe(H - meta[2]!.height!);
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });

  it('sends the known box with its offsets, keeps the known pixels exactly and uses the answer around them', async () => {
    const fake = await fakeBfl({ pending: 2 });
    const engine = fast(fake.url, { mode: 'fast', safetyTolerance: 5, outputFormat: 'jpeg' });
    try {
      const task = boxTask(W, H, { x: 20, y: 8, width: 56, height: 48 });
      const out = await engine.outpaint(task);
      const body = submits(fake)[0]!.json!;
      expect(body).toMatchObject({ width: W, height: H, reference_offset_x: 20, reference_offset_y: 8, prompt: 'a lake', seed: 7, steps: 20, mode: 'fast', safety_tolerance: 5, output_format: 'jpeg' });
      const sent = await sharp(Buffer.from(body['input_image'] as string, 'base64')).metadata();
      expect([sent.format, sent.width, sent.height]).toEqual(['png', 56, 48]);
      expect(fake.received.filter((r) => r.path.startsWith('/v1/get_result'))).toHaveLength(3);
      expectKnownKept(task, out);
      // Far from the seam the answer is untouched: the service put the picture where we said.
      expect(pixel(out, 0, 0)).toEqual(positionColour(0, 0, { x: 20, y: 8 }));
      expect(pixel(out, 95, 63)).toEqual(positionColour(95, 63, { x: 20, y: 8 }));
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    const fake = await fakeBfl({ fault: (_r, res, n) => n === 0 && (sendJson(res, 429, { detail: 'too many active tasks' }, { 'retry-after': '1' }), true) });
    const t = Date.now();
    const out = await outpaintWith(fake);
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
    expect(out).toMatchObject({ width: W, height: H });
    expect(submits(fake)).toHaveLength(2);
  });

  it('retries a 503 twice, then succeeds', async () => {
    let busy = 0;
    const fake = await fakeBfl({ fault: (r, res) => r.path.startsWith('/v1/get_result') && busy < 2 && (busy++, sendJson(res, 503, { detail: 'busy' }), true) });
    expect(await outpaintWith(fake)).toMatchObject({ width: W, height: H });
    expect(busy).toBe(2);
    // Two 503s, then Pending, then Ready.
    expect(fake.received.filter((r) => r.path.startsWith('/v1/get_result'))).toHaveLength(4);
  });

  it('retries a connection reset', async () => {
    const fake = await fakeBfl({ fault: (_r, res, n) => n === 0 && (res.socket?.destroy(), true) });
    expect(await outpaintWith(fake)).toMatchObject({ width: W, height: H });
    expect(submits(fake)).toHaveLength(2);
  });

  it('gives up on a task that stays Pending with a deadline error', async () => {
    const fake = await fakeBfl({ pending: Number.POSITIVE_INFINITY });
    const err = await outpaintWith(fake, { deadlineMs: 200 });
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toMatch(/^engine "bfl": GET \/v1\/get_result was not ready after 0 s$/);
  });

  it('stops on abort mid-poll and sends no further request', async () => {
    const fake = await fakeBfl({ pending: Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const engine = fast(fake.url, { pollIntervalMs: 30 });
    try {
      const err = await engine.outpaint(boxTask(W, H, { x: 20, y: 8, width: 56, height: 48 }), controller.signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      const count = fake.received.length;
      expect(count).toBeGreaterThan(2);
      await wait(200);
      expect(fake.received.length).toBe(count);
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });

  it('reports a malformed JSON answer with one clear error, without retrying', async () => {
    const fake = await fakeBfl({ fault: (_r, res) => (res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "abc", '), true) });
    const err = await outpaintWith(fake);
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toBe('engine "bfl": POST /v1/flux-tools/outpainting-v1 returned malformed JSON: {"id": "abc",');
    expect(fake.received).toHaveLength(1);
  });

  it('ends with an error naming a final status', async () => {
    for (const status of ['Content Moderated', 'Request Moderated', 'Error']) {
      const err = await outpaintWith(await fakeBfl({ final: status }));
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect((err as Error).message).toContain(`ended with status "${status}"`);
    }
    const lost = await fakeBfl({ fault: (r, res) => r.path.startsWith('/v1/get_result') && (sendJson(res, 200, { id: 'x', status: 'Task not found', result: null }), true) });
    expect(String(await outpaintWith(lost))).toContain('ended with status "Task not found"');
  });

  it('never shows the key, even when the service echoes it back', async () => {
    const logs: string[] = [];
    const echo = (status: number) => (r: Received, res: ServerResponse) => (sendJson(res, status, { detail: `key ${String(r.headers['x-key'])} is not valid` }), true);
    for (const status of [401, 403, 503]) {
      const fake = await fakeBfl({ fault: echo(status) });
      const err = await outpaintWith(fake, { retries: 1, log: (m) => logs.push(m) });
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect((err as Error).message).toContain('is not valid');
      expect((err as Error).message).not.toContain(KEY);
      expect(fake.received[0]!.headers['x-key']).toBe(KEY);
    }
    const failing = await fakeBfl({ fault: (r, res) => r.path.startsWith('/v1/get_result') && (sendJson(res, 200, { status: 'Error', details: { error: `bad key ${KEY}` } }), true) });
    const err = await outpaintWith(failing);
    expect((err as Error).message).toContain('bad key ***');
    expect(logs.length).toBeGreaterThan(0);
    for (const m of logs) expect(m).not.toContain(KEY);
  });

  it("works against zoomwalk's own server (bfl format, mirror engine)", async () => {
    const { app } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'data'), engine: 'mirror', auth: { open: false, keys: ['k1'] }, allowPrivateUrls: true });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const engine = createBflEngine({ url: base, key: 'k1', pollIntervalMs: 20 });
    try {
      const task = boxTask(W, H, { x: 20, y: 8, width: 56, height: 48 });
      const out = await engine.outpaint(task);
      expectKnownKept(task, out);
    } finally {
      await engine.close?.();
      await app.close();
    }
  });
});
