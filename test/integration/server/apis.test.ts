import type { Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { FormData, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { servePng } from '../../helpers/http.js';
import { texturedImage, writePng } from '../../helpers/images.js';

let dir: string;
let base: string;
let close: () => Promise<void>;
let png: Buffer;
let imageServer: Server;
let imageUrl: string;

async function size(url: string, headers: Record<string, string> = {}): Promise<[number | undefined, number | undefined, string | undefined]> {
  const res = await request(url, { headers });
  expect(res.statusCode).toBe(200);
  const meta = await sharp(Buffer.from(await res.body.arrayBuffer())).metadata();
  return [meta.width, meta.height, meta.format];
}

function form(fields: Record<string, string>, files: Record<string, Buffer>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, v] of Object.entries(files)) f.append(k, new Blob([v], { type: 'image/png' }), `${k}.png`);
  return f;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-formats-'));
  png = await readFile(await writePng(texturedImage(64, 48), join(dir, 'in.png')));
  ({ server: imageServer, url: imageUrl } = await servePng(png));
  const { app } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'data'), engine: 'mirror', auth: { open: false, keys: ['k1'] }, allowPrivateUrls: true });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  close = () => app.close();
});
afterAll(async () => {
  await close();
  imageServer.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ModelsLab enterprise outpaint', () => {
  const url = () => `${base}/api/v1/enterprise/image_editing/outpaint`;
  const post = (body: unknown) => request(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('returns the v5 success shape with an image of width×height', async () => {
    const res = await post({ key: 'k1', image: imageUrl, width: 160, height: 120, seed: 5, track_id: 't1' });
    const json = (await res.body.json()) as { status: string; output: string[]; track_id: string; proxy_links: string[] };
    expect(res.statusCode).toBe(200);
    expect(json).toMatchObject({ status: 'success', track_id: 't1' });
    expect(json.proxy_links).toEqual(json.output);
    expect(await size(json.output[0]!)).toEqual([160, 120, 'png']);
    const fetched = await request(`${base}/api/v1/enterprise/image_editing/fetch/${(json as unknown as { id: string }).id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k1' }) });
    expect(await fetched.body.json()).toMatchObject({ status: 'success', output: json.output });
  });

  it('answers base64 output when asked', async () => {
    const json = (await (await post({ key: 'k1', image: `data:image/png;base64,${png.toString('base64')}`, width: 96, height: 96, base64: true })).body.json()) as { output: string[] };
    expect(json.output[0]!.startsWith('data:image/png;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(json.output[0]!.split(',')[1]!, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([96, 96]);
  });

  it('names the field and limit when out of range, and wants the key', async () => {
    const bad = await post({ key: 'k1', image: imageUrl, overlap_width: 43, width: 1441 });
    expect(bad.statusCode).toBe(422);
    const msg = ((await bad.body.json()) as { message: string }).message;
    expect(msg).toContain('overlap_width: 43 is above the maximum 42');
    expect(msg).toContain('width: 1441 is above the maximum 1440');
    expect((await post({ key: 'nope', image: imageUrl })).statusCode).toBe(401);
  });
});

describe('POST /api/edit/outpaint (multipart)', () => {
  const post = (f: FormData, key = 'k1') => request(`${base}/api/edit/outpaint`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: f });

  it('grows the image by left/right/up/down and answers {code, message, data}', async () => {
    const res = await post(form({ left: '16', down: '8', output_format: 'webp', seed: '3' }, { image: png }));
    const json = (await res.body.json()) as { code: number; message: string; data: { image_url: string; seed: number; width: number; height: number } };
    expect(json).toMatchObject({ code: 200, message: 'success', data: { seed: 3, width: 80, height: 56 } });
    expect(await size(json.data.image_url)).toEqual([80, 56, 'webp']);
  });

  it('refuses a request that grows nothing, in its own error shape', async () => {
    const res = await post(form({ prompt: 'x' }, { image: png }));
    expect(res.statusCode).toBe(422);
    expect(await res.body.json()).toEqual({ code: 422, message: 'left: at least one of left, right, up, down must be above 0', data: null });
    expect((await post(form({ left: '8' }, { image: png }), 'nope')).statusCode).toBe(401);
  });
});

describe('BFL flux-tools outpainting', () => {
  it('answers {id, polling_url}; get_result turns Ready with an image of width×height', async () => {
    const res = await request(`${base}/v1/flux-tools/outpainting-v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-key': 'k1' },
      body: JSON.stringify({ input_image: png.toString('base64'), width: 128, height: 96, prompt: 'a wall', output_format: 'png' }),
    });
    const { id, polling_url } = (await res.body.json()) as { id: string; polling_url: string };
    expect(polling_url).toBe(`${base}/v1/get_result?id=${id}`);
    let result: { status: string; result: { sample: string } | null } = { status: 'Pending', result: null };
    for (let i = 0; i < 200 && result.status === 'Pending'; i++) {
      result = (await request(polling_url, { headers: { 'x-key': 'k1' } }).then((r) => r.body.json())) as typeof result;
      if (result.status === 'Pending') await new Promise((r) => setTimeout(r, 25));
    }
    expect(result.status).toBe('Ready');
    expect(await size(result.result!.sample)).toEqual([128, 96, 'png']);
  });

  it('reports validation errors as {detail: [{loc, msg, type}]} with 422, and 401 without x-key', async () => {
    const res = await request(`${base}/v1/flux-tools/outpainting-v1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'k1' }, body: JSON.stringify({ input_image: 'abc', height: 96 }) });
    expect(res.statusCode).toBe(422);
    const json = (await res.body.json()) as { detail: { loc: string[]; msg: string; type: string }[] };
    expect(json.detail[0]).toMatchObject({ loc: ['body', 'width'] });
    const noKey = await request(`${base}/v1/flux-tools/outpainting-v1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noKey.statusCode).toBe(401);
    expect(((await request(`${base}/v1/get_result?id=nope`, { headers: { 'x-key': 'k1' } })).statusCode)).toBe(404);
  });
});

describe('Picsart-style expand', () => {
  const post = (f: FormData) => request(`${base}/v1/painting/expand`, { method: 'POST', headers: { 'x-picsart-api-key': 'k1' }, body: f });

  it('returns count images of width×height in sync mode', async () => {
    const res = await post(form({ width: '100', height: '80', count: '2', format: 'PNG' }, { image: png }));
    const json = (await res.body.json()) as { status: string; data: { id: string; url: string }[] };
    expect(json.status).toBe('success');
    expect(json.data).toHaveLength(2);
    for (const d of json.data) expect(await size(d.url)).toEqual([100, 80, 'png']);
  });

  it('accepts async mode and a mask, and serves the inference when done', async () => {
    const mask = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000' } }).composite([{ input: await sharp({ create: { width: 16, height: 48, channels: 3, background: '#fff' } }).png().toBuffer(), left: 0, top: 0 }]).png().toBuffer();
    const res = await post(form({ mode: 'async', format: 'JPG' }, { image: png, mask }));
    expect(res.statusCode).toBe(202);
    const { inference_id } = (await res.body.json()) as { inference_id: string };
    let json: { status: string; data?: { url: string }[] } = { status: 'processing' };
    for (let i = 0; i < 200 && json.status === 'processing'; i++) {
      json = (await request(`${base}/v1/painting/expand/inferences/${inference_id}`, { headers: { 'x-picsart-api-key': 'k1' } }).then((r) => r.body.json())) as typeof json;
      if (json.status === 'processing') await new Promise((r) => setTimeout(r, 25));
    }
    expect(json.status).toBe('success');
    expect(await size(json.data![0]!.url)).toEqual([64, 48, 'jpeg']);
  });

  it('answers 400 {detail, code} for bad input', async () => {
    const res = await post(form({ count: '11', width: '100', height: '80' }, { image: png }));
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toEqual({ detail: 'count: 11 is above the maximum 10', code: 400 });
  });
});
