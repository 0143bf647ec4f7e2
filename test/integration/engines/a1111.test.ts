import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createA1111Engine, type A1111Options } from '../../../src/engines/remote/a1111.js';
import { createMirrorEngine } from '../../../src/engines/mirror.js';
import { RemoteEngineError } from '../../../src/errors.js';
import type { OutpaintTask } from '../../../src/engines/types.js';
import { AbortError } from '../../../src/errors.js';
import { render } from '../../../src/render/render.js';
import { fakeServer, sendJson, type FakeServer, type Handler, type Received } from '../../helpers/fake-server.js';
import { texturedImage, writePng } from '../../helpers/images.js';
import { probe } from '../../helpers/video.js';

const PATH = '/sdapi/v1/img2img';
const AUTH = { user: 'walker', password: 'pw-hunter2-very-secret' };
const TOKEN = Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64');

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-a1111-'));
  image = await writePng(texturedImage(120, 90), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const decode = async (b64: string) => sharp(Buffer.from(b64, 'base64')).raw().toBuffer({ resolveWithObject: true });

/**
 * A fake AUTOMATIC1111: answers img2img as the real API does ({images, parameters, info}), after
 * checking what the adapter must send; a broken contract is a 422 the test then fails on.
 */
async function fakeA1111(o: { auth?: boolean; before?: Handler } = {}): Promise<FakeServer> {
  return fakeServer(async (r, res, n) => {
    if (o.before && (await o.before(r, res, n)) !== undefined) return;
    if (r.method !== 'POST' || r.path !== PATH) return sendJson(res, 404, { detail: 'Not Found' });
    if (o.auth && r.headers.authorization !== `Basic ${TOKEN}`) return sendJson(res, 401, { detail: 'Incorrect username or password' });
    const b = r.json ?? {};
    const bad = (msg: string) => sendJson(res, 422, { detail: [{ loc: ['body'], msg, type: 'value_error' }] });
    const init = b['init_images'];
    if (!Array.isArray(init) || init.length !== 1 || typeof init[0] !== 'string' || typeof b['mask'] !== 'string') return bad('init_images[1] and mask are required');
    const width = b['width'];
    const height = b['height'];
    if (typeof width !== 'number' || typeof height !== 'number' || width % 8 || height % 8) return bad(`width/height ${String(width)}x${String(height)} must be multiples of 8`);
    if (b['inpaint_full_res'] !== false) return bad('expected inpaint_full_res false (whole picture)');
    for (const k of ['steps', 'cfg_scale', 'seed', 'denoising_strength', 'mask_blur', 'inpainting_fill']) if (typeof b[k] !== 'number') return bad(`${k} must be a number`);
    for (const k of ['prompt', 'negative_prompt']) if (typeof b[k] !== 'string') return bad(`${k} must be a string`);
    const img = await decode(init[0]);
    const mask = await decode(b['mask']);
    if (img.info.width !== width || img.info.height !== height || mask.info.width !== width || mask.info.height !== height) return bad('init image, mask and width/height differ');
    // The result: the init image with every white mask pixel painted mid-grey.
    const out = Buffer.alloc(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      const m = mask.data[p * mask.info.channels]!;
      if (m !== 0 && m !== 255) return bad('mask must be black or white');
      for (let c = 0; c < 3; c++) out[p * 3 + c] = m === 255 ? 128 : img.data[p * img.info.channels + c]!;
    }
    const png = await sharp(out, { raw: { width, height, channels: 3 } }).png().toBuffer();
    sendJson(res, 200, { images: [png.toString('base64')], parameters: { ...b, init_images: null, mask: null }, info: JSON.stringify({ seed: b['seed'], width, height }) });
  });
}

/** A 60×44 canvas (not multiples of 8) whose left 16 columns are to be generated. */
function task(over: Partial<OutpaintTask> = {}): OutpaintTask {
  const mask = new Uint8Array(60 * 44);
  for (let y = 0; y < 44; y++) mask.fill(255, y * 60, y * 60 + 16);
  return { image: texturedImage(60, 44, 3), mask, prompt: 'a forest', negativePrompt: 'blurry', seed: 42, steps: 12, guidance: 6.5, overlap: 8, ...over };
}

async function withEngine<T>(fake: FakeServer, opts: Partial<A1111Options>, fn: (e: ReturnType<typeof createA1111Engine>) => Promise<T>): Promise<T> {
  const engine = createA1111Engine({ url: fake.url, backoffMs: 10, retries: 3, ...opts });
  try {
    return await fn(engine);
  } finally {
    await engine.close?.();
    await fake.close();
  }
}

const only = (r: Received[]) => r.filter((x) => x.path === PATH);

describe('a1111 engine', () => {
  it('renders a 3-step walk through a fake AUTOMATIC1111, padding every canvas to multiples of 8', async () => {
    const fake = await fakeA1111();
    await withEngine(fake, {}, async (engine) => {
      const out = join(dir, 'walk.mp4');
      const result = await render(
        { image, walk_type: ['left', 'backward', 'up'], width: 100, height: 68, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 11, prompt: 'a lake' },
        { output: out, engine },
      );
      expect(result.engine).toBe('a1111');
      expect((await probe(out)).frames).toBe(13);
      expect(fake.received).toHaveLength(3);
      for (const r of fake.received) {
        expect(r.json).toMatchObject({ prompt: 'a lake', steps: 20, inpaint_full_res: false, inpainting_fill: 1, denoising_strength: 1 });
        expect([(r.json!['width'] as number) % 8, (r.json!['height'] as number) % 8]).toEqual([0, 0]);
      }
    });
  });

  it('sends a mirror-filled canvas and a white-where-generating mask, and keeps the known pixels exactly', async () => {
    const fake = await fakeA1111();
    await withEngine(fake, { extra: { sampler_name: 'Euler a', mask_blur: 3 } }, async (engine) => {
      const t = task();
      const out = await engine.outpaint(t);
      const [r] = only(fake.received);
      expect(r!.json).toMatchObject({ width: 64, height: 48, steps: 12, cfg_scale: 6.5, seed: 42, prompt: 'a forest', negative_prompt: 'blurry', sampler_name: 'Euler a', mask_blur: 3 });
      const mask = await decode(r!.json!['mask'] as string);
      const init = await decode((r!.json!['init_images'] as string[])[0]!);
      const mirrored = await createMirrorEngine().outpaint(t);
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 64; x++) {
          const inside = x < 60 && y < 44;
          // The padding and the hole are white; the known pixels black.
          expect(mask.data[(y * 64 + x) * mask.info.channels]).toBe(!inside || t.mask[y * 60 + x] === 255 ? 255 : 0);
          if (!inside) continue;
          const s = (y * 60 + x) * 3;
          expect([...init.data.subarray((y * 64 + x) * init.info.channels, (y * 64 + x) * init.info.channels + 3)]).toEqual([...mirrored.data.subarray(s, s + 3)]);
        }
      }
      expect([out.width, out.height]).toEqual([60, 44]);
      for (let p = 0; p < t.mask.length; p++) {
        if (t.mask[p] === 0) expect([...out.data.subarray(p * 3, p * 3 + 3)]).toEqual([...t.image.data.subarray(p * 3, p * 3 + 3)]);
      }
      // Far from the seam the fake's grey survives the colour matching.
      expect([...out.data.subarray(0, 3)]).toEqual([128, 128, 128]);
    });
  });

  it('defaults mask_blur to a quarter of the overlap', async () => {
    const fake = await fakeA1111();
    await withEngine(fake, {}, async (engine) => {
      await engine.outpaint(task({ overlap: 10 }));
      expect(fake.received[0]!.json!['mask_blur']).toBe(3);
    });
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    const fake = await fakeA1111({ before: (_r, res, n) => (n === 0 ? sendJson(res, 429, { error: 'queue full' }, { 'retry-after': '1' }) ?? true : undefined) });
    await withEngine(fake, {}, async (engine) => {
      const t0 = Date.now();
      await engine.outpaint(task());
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
      expect(fake.received).toHaveLength(2);
    });
  });

  it('retries 503 twice, then succeeds', async () => {
    const fake = await fakeA1111({ before: (_r, res, n) => (n < 2 ? sendJson(res, 503, { error: 'model loading' }) ?? true : undefined) });
    await withEngine(fake, {}, async (engine) => {
      expect((await engine.outpaint(task())).width).toBe(60);
      expect(fake.received).toHaveLength(3);
    });
  });

  it('retries a connection reset', async () => {
    const fake = await fakeA1111({ before: (_r, res, n) => (n === 0 ? (res.socket?.destroy(), true) : undefined) });
    await withEngine(fake, {}, async (engine) => {
      expect((await engine.outpaint(task())).width).toBe(60);
      expect(fake.received).toHaveLength(2);
    });
  });

  it('reports a malformed JSON body as one clear error, without retrying', async () => {
    const fake = await fakeA1111({ before: (_r, res) => (res.writeHead(200, { 'content-type': 'application/json' }).end('{"images": ["iVBOR'), true) });
    await withEngine(fake, {}, async (engine) => {
      const err = await engine.outpaint(task()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect((err as Error).message).toMatch(/^engine "a1111": POST \/sdapi\/v1\/img2img returned malformed JSON: \{"images"/);
      expect(fake.received).toHaveLength(1);
    });
  });

  it('reports an answer without images clearly', async () => {
    const fake = await fakeA1111({ before: (_r, res) => sendJson(res, 200, { images: [], parameters: {}, info: '{}' }) ?? true });
    await withEngine(fake, {}, async (engine) => {
      await expect(engine.outpaint(task())).rejects.toThrow('engine "a1111": POST /sdapi/v1/img2img answered without an image in "images"');
    });
  });

  it('stops on abort while the service is working, and sends nothing more', async () => {
    // The fake never answers: the abort must end the request itself.
    const fake = await fakeA1111({ before: () => true });
    await withEngine(fake, {}, async (engine) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 150);
      const err = await engine.outpaint(task(), controller.signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      await new Promise((r) => setTimeout(r, 150));
      expect(fake.received).toHaveLength(1);
    });
  });

  it('sends basic auth, and never puts the password in an error or a log line', async () => {
    const logs: string[] = [];
    // A service (or proxy) that echoes credentials back in its error bodies.
    const fake = await fakeA1111({ auth: true, before: (r, res) => sendJson(res, 500, { error: `auth ${String(r.headers.authorization)} password=${AUTH.password}` }) ?? true });
    await withEngine(fake, { auth: AUTH, retries: 1, log: (m) => logs.push(m) }, async (engine) => {
      const err = await engine.outpaint(task()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteEngineError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/answered 500: .*\*\*\*.*\(after 2 tries\)/);
      for (const text of [msg, ...logs]) {
        expect(text).not.toContain(AUTH.password);
        expect(text).not.toContain(TOKEN);
      }
      expect(logs).toHaveLength(1);
      expect(fake.received.every((r) => r.headers.authorization === `Basic ${TOKEN}`)).toBe(true);
    });
  });

  it('passes the auth check of a server started with --api-auth', async () => {
    const fake = await fakeA1111({ auth: true });
    await withEngine(fake, { auth: AUTH }, async (engine) => {
      expect((await engine.outpaint(task())).height).toBe(44);
    });
  });
});
