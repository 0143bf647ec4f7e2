import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIopaintEngine } from '../../../src/engines/remote/iopaint.js';
import { RemoteEngineError } from '../../../src/errors.js';
import { render } from '../../../src/render/render.js';
import { fakeServer, sendJson, type FakeServer } from '../../helpers/fake-server.js';
import { texturedImage, writePng } from '../../helpers/images.js';
import { probe } from '../../helpers/video.js';

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-iopaint-'));
  image = await writePng(texturedImage(120, 90), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** A fake IOPaint: checks the request the way the real server would, fills the mask with mid-grey. */
async function fakeIopaint(): Promise<FakeServer> {
  return fakeServer(async (r, res) => {
    if (r.method !== 'POST' || r.path !== '/api/v1/inpaint') return sendJson(res, 404, { detail: 'Not Found' });
    const body = r.json;
    if (!body || typeof body['image'] !== 'string' || typeof body['mask'] !== 'string') return sendJson(res, 422, { detail: 'image and mask are required' });
    const img = await sharp(Buffer.from(body['image'], 'base64')).raw().toBuffer({ resolveWithObject: true });
    const mask = await sharp(Buffer.from(body['mask'], 'base64')).raw().toBuffer({ resolveWithObject: true });
    if (img.info.width !== mask.info.width || img.info.height !== mask.info.height) return sendJson(res, 422, { detail: 'image and mask sizes differ' });
    const out = Buffer.from(img.data);
    for (let p = 0; p < img.info.width * img.info.height; p++) if (mask.data[p * mask.info.channels]! > 127) out.fill(128, p * img.info.channels, p * img.info.channels + 3);
    const png = await sharp(out, { raw: { width: img.info.width, height: img.info.height, channels: img.info.channels as 3 } }).png().toBuffer();
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
}

describe('iopaint engine', () => {
  it('renders a 3-step walk through a fake IOPaint, sending canvas, mask, prompt and seed', async () => {
    const fake = await fakeIopaint();
    const engine = createIopaintEngine({ url: fake.url });
    try {
      const out = join(dir, 'walk.mp4');
      const result = await render(
        { image, walk_type: ['left', 'backward', 'up'], width: 96, height: 64, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 11, prompt: 'a lake' },
        { output: out, engine },
      );
      expect(result.engine).toBe('iopaint');
      expect((await probe(out)).frames).toBe(13);
      expect(fake.received).toHaveLength(3);
      for (const r of fake.received) {
        expect(r.json).toMatchObject({ prompt: 'a lake', sd_steps: 20 });
        expect(typeof r.json!['sd_seed']).toBe('number');
      }
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });

  it('keeps the known pixels exactly and fills the rest with what the service returned', async () => {
    const fake = await fakeIopaint();
    const engine = createIopaintEngine({ url: fake.url });
    try {
      const img = texturedImage(64, 48, 2);
      const mask = new Uint8Array(64 * 48);
      for (let y = 0; y < 48; y++) mask.fill(255, y * 64, y * 64 + 16);
      const out = await engine.outpaint({ image: img, mask, prompt: '', negativePrompt: '', seed: 1, steps: 20, guidance: 7.5, overlap: 4 });
      for (let p = 0; p < mask.length; p++) {
        if (mask[p] === 0) expect([...out.data.subarray(p * 3, p * 3 + 3)]).toEqual([...img.data.subarray(p * 3, p * 3 + 3)]);
      }
      // Far from the seam the fake's grey is untouched by the colour matching.
      expect([...out.data.subarray(0, 3)]).toEqual([128, 128, 128]);
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });

  it('rejects a result of another shape, naming the engine', async () => {
    const fake = await fakeServer(async (_r, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(await sharp({ create: { width: 30, height: 30, channels: 3, background: '#000' } }).png().toBuffer()));
    const engine = createIopaintEngine({ url: fake.url });
    try {
      const err = await engine.outpaint({ image: texturedImage(64, 48), mask: new Uint8Array(64 * 48).fill(255, 0, 64), prompt: '', negativePrompt: '', seed: 1, steps: 1, guidance: 1, overlap: 4 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect((err as Error).message).toBe('engine "iopaint": returned a 30×30 image for a 64×48 canvas');
    } finally {
      await engine.close?.();
      await fake.close();
    }
  });
});
