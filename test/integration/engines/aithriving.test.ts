import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAithrivingEngine, growBands, type AithrivingOptions } from '../../../src/engines/remote/aithriving.js';
import { RemoteEngineError } from '../../../src/errors.js';
import type { OutpaintTask } from '../../../src/engines/types.js';
import { render } from '../../../src/render/render.js';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { fakeServer, sendJson, type FakeServer, type Received } from '../../helpers/fake-server.js';
import { texturedImage, writePng } from '../../helpers/images.js';
import { readForm, type ParsedForm } from '../../helpers/multipart.js';
import { probe } from '../../helpers/video.js';

const KEY = 'ath-secret-key-abcdef987';
const W = 96;
const H = 64;
const SIDES = ['left', 'right', 'up', 'down'] as const;

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-aithriving-'));
  image = await writePng(texturedImage(120, 90), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

interface FakeAithriving extends FakeServer {
  /** Each accepted form, with the size of the image part. */
  readonly posted: (ParsedForm & { width: number; height: number })[];
}
type Fault = (r: Received, res: ServerResponse, n: number) => boolean;

/**
 * Implements the documented contract: Authorization: Bearer, multipart image + left/right/up/down
 * (ints ≥ 0, one above 0), prompt, seed, output_format, creativity 0–1; answers
 * {code: 200, message: "success", data: {image_url, …}}, errors as {code, message, data: null}.
 * The image is placed on a grown grey canvas.
 */
async function fakeAithriving(o: { fault?: Fault } = {}): Promise<FakeAithriving> {
  const posted: FakeAithriving['posted'] = [];
  const results = new Map<string, Buffer>();
  const bad = (res: ServerResponse, code: number, message: string): void => sendJson(res, code, { code, message, data: null });
  const fake = await fakeServer(async (r, res, n) => {
    if (o.fault?.(r, res, n)) return;
    const download = /^\/results\/([\w-]+)\.png$/.exec(r.path);
    if (download) {
      // A plain download, possibly on another host: the key must not travel there.
      if (r.headers.authorization !== undefined) return bad(res, 400, 'API key sent with the download');
      const png = results.get(download[1]!);
      return png ? res.writeHead(200, { 'content-type': 'image/png' }).end(png) : bad(res, 404, 'no such file');
    }
    if (r.method !== 'POST' || r.path !== '/api/edit/outpaint') return bad(res, 404, 'not found');
    if (r.headers.authorization !== `Bearer ${KEY}`) return bad(res, 401, 'invalid API key');
    const form = await readForm(r);
    if (!form?.files['image']) return bad(res, 422, 'image: a file part is required');
    const f = form.fields;
    const px = SIDES.map((s) => Number(f[s] ?? '0'));
    if (px.some((v) => !Number.isInteger(v) || v < 0) || px.every((v) => v === 0)) return bad(res, 422, `left/right/up/down must be ints ≥ 0, one above 0: ${JSON.stringify(f)}`);
    const creativity = Number(f['creativity']);
    if (f['output_format'] !== 'png' || !/^\d+$/.test(f['seed'] ?? '') || !(creativity >= 0 && creativity <= 1) || typeof f['prompt'] !== 'string') return bad(res, 422, `bad fields ${JSON.stringify(f)}`);
    const meta = await sharp(form.files['image'].bytes).metadata();
    posted.push({ ...form, width: meta.width!, height: meta.height! });
    const [left, right, top, bottom] = px as [number, number, number, number];
    const png = await sharp(form.files['image'].bytes).removeAlpha().extend({ left, right, top, bottom, background: '#808080' }).png().toBuffer();
    const id = `img-${n}`;
    results.set(id, png);
    return sendJson(res, 200, { code: 200, message: 'success', data: { id, image_url: `http://${r.headers.host}/results/${id}.png`, seed: Number(f['seed']) } });
  });
  return { ...fake, posted };
}

/** A W×H task whose known pixels are the rectangle x ∈ [x0, x1), y ∈ [y0, y1). */
function ringTask(x0: number, y0: number, x1: number, y1: number): OutpaintTask {
  const mask = new Uint8Array(W * H).fill(255);
  for (let y = y0; y < y1; y++) mask.fill(0, y * W + x0, y * W + x1);
  return { image: texturedImage(W, H, 3), mask, prompt: 'a forest', negativePrompt: '', seed: 9, steps: 20, guidance: 7.5, overlap: 4 };
}

let fake: FakeAithriving | null = null;
const engines: { close?(): Promise<void> }[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close?.();
  await fake?.close();
  fake = null;
});
const engine = (extra: Partial<AithrivingOptions> = {}) => {
  const e = createAithrivingEngine({ url: fake!.url, key: KEY, backoffMs: 10, ...extra });
  engines.push(e);
  return e;
};
const posts = () => fake!.received.filter((r) => r.method === 'POST');

describe('aithriving engine', () => {
  it('renders a 3-step walk through a fake service, sending the known crop and the band widths', async () => {
    fake = await fakeAithriving();
    const out = join(dir, 'walk.mp4');
    const result = await render(
      { image, walk_type: ['left', 'backward', 'up'], width: W, height: H, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 11, prompt: 'a lake' },
      { output: out, engine: engine() },
    );
    expect(result.engine).toBe('aithriving');
    expect((await probe(out)).frames).toBe(13);
    expect(fake.posted).toHaveLength(3);
    for (const form of fake.posted) {
      expect(form.fields).toMatchObject({ prompt: 'a lake', output_format: 'png', creativity: '0.35' });
      // The crop plus the bands is exactly the canvas.
      const [l, r, u, d] = SIDES.map((s) => Number(form.fields[s]));
      expect([form.width + l! + r!, form.height + u! + d!]).toEqual([W, H]);
    }
    // The first step walks left: only a left band is new.
    expect(Number(fake.posted[0]!.fields['left'])).toBeGreaterThan(0);
    expect([fake.posted[0]!.fields['right'], fake.posted[0]!.fields['up'], fake.posted[0]!.fields['down']]).toEqual(['0', '0', '0']);
    expect(fake.received.filter((r) => r.method === 'POST').every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it('sends left/right/up/down equal to the ring widths, keeps the known pixels exactly and fills the rest', async () => {
    fake = await fakeAithriving();
    const task = ringTask(10, 8, 80, 50);
    const out = await engine({ creativity: 0.8 }).outpaint(task);
    const form = fake.posted[0]!;
    expect(form.fields).toMatchObject({ left: '10', right: '16', up: '8', down: '14', seed: '9', prompt: 'a forest', creativity: '0.8' });
    expect([form.width, form.height]).toEqual([70, 42]);
    for (let p = 0; p < task.mask.length; p++) {
      if (task.mask[p] === 0) expect([...out.data.subarray(p * 3, p * 3 + 3)]).toEqual([...task.image.data.subarray(p * 3, p * 3 + 3)]);
    }
    expect([...out.data.subarray(0, 3)]).toEqual([128, 128, 128]);
  });

  it('refuses a mask that is not the canvas minus one rectangle, before any request', async () => {
    fake = await fakeAithriving();
    const task = ringTask(0, 0, 64, 64);
    task.mask.fill(255, 10 * W + 20, 10 * W + 30); // a hole inside the known part
    const err = await engine().outpaint(task).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toMatch(/^engine "aithriving": the service only grows the canvas/);
    expect(fake.received).toHaveLength(0);
    expect(growBands(ringTask(0, 0, W, 40).mask, W, H)).toEqual({ left: 0, right: 0, up: 0, down: 24 });
  });

  it('waits for Retry-After on 429, then re-sends the whole multipart body', async () => {
    fake = await fakeAithriving({ fault: (_r, res, n) => n === 0 && (sendJson(res, 429, { code: 429, message: 'rate limited', data: null }, { 'retry-after': '1' }), true) });
    const t = Date.now();
    expect((await engine().outpaint(ringTask(16, 0, W, H))).width).toBe(W);
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
    expect(posts()).toHaveLength(2);
    const [first, second] = await Promise.all(posts().map(readForm));
    expect(second!.fields).toEqual(first!.fields);
    expect(second!.files['image']!.bytes.equals(first!.files['image']!.bytes)).toBe(true);
  });

  it('retries 503 twice, then succeeds', async () => {
    fake = await fakeAithriving({ fault: (_r, res, n) => n < 2 && (sendJson(res, 503, { code: 503, message: 'busy', data: null }), true) });
    expect((await engine().outpaint(ringTask(16, 0, W, H))).height).toBe(H);
    expect(posts()).toHaveLength(3);
  });

  it('retries a connection reset', async () => {
    fake = await fakeAithriving({ fault: (_r, res, n) => n === 0 && (res.socket?.destroy(), true) });
    expect((await engine().outpaint(ringTask(16, 0, W, H))).width).toBe(W);
    expect(posts()).toHaveLength(2);
  });

  it('reports a malformed JSON answer once, clearly, without retrying', async () => {
    fake = await fakeAithriving({ fault: (_r, res) => (res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops'), true) });
    const err = await engine().outpaint(ringTask(16, 0, W, H)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteEngineError);
    expect((err as Error).message).toBe('engine "aithriving": POST /api/edit/outpaint returned malformed JSON: <html>oops');
    expect(fake.received).toHaveLength(1);
  });

  it('turns a body code other than 200 into a RemoteEngineError with its message', async () => {
    fake = await fakeAithriving({ fault: (_r, res) => (sendJson(res, 200, { code: 4003, message: 'insufficient credits', data: null }), true) });
    await expect(engine().outpaint(ringTask(16, 0, W, H))).rejects.toThrow(/^engine "aithriving": answered code 4003: insufficient credits$/);
    expect(fake.received).toHaveLength(1);
  });

  it('never puts the API key in an error, even when the service echoes it', async () => {
    fake = await fakeAithriving({ fault: (_r, res) => (sendJson(res, 401, { code: 401, message: `token Bearer ${KEY} rejected`, data: null }), true) });
    const e1 = (await engine().outpaint(ringTask(16, 0, W, H)).catch((e: unknown) => e)) as Error;
    await fake.close();
    fake = await fakeAithriving({ fault: (_r, res) => (sendJson(res, 200, { code: 402, message: `no credits left for ${KEY}`, data: null }), true) });
    const e2 = (await engine().outpaint(ringTask(16, 0, W, H)).catch((e: unknown) => e)) as Error;
    for (const e of [e1, e2]) {
      expect(e).toBeInstanceOf(RemoteEngineError);
      expect(e.message).toContain('***');
      expect(e.message).not.toContain(KEY);
    }
  });

  it('works against zoomwalk’s own /api/edit/outpaint', async () => {
    const { app } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'server'), engine: 'mirror', auth: { open: false, keys: ['k1'] }, allowPrivateUrls: true });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const e = createAithrivingEngine({ url: base, key: 'k1', backoffMs: 10 });
      engines.push(e);
      const task = ringTask(16, 8, 80, 50);
      const out = await e.outpaint(task);
      expect([out.width, out.height, out.data.length]).toEqual([W, H, W * H * 3]);
      const p = (20 * W + 40) * 3;
      expect([...out.data.subarray(p, p + 3)]).toEqual([...task.image.data.subarray(p, p + 3)]);
    } finally {
      await app.close();
    }
  });
});
