import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS, type JobQueue } from '../../../src/server/index.js';
import { multipartBody } from '../../helpers/multipart-body.js';
import { orientation6Jpeg, quadrantColours, rgbOf, uprightError } from '../../helpers/orientation.js';

/** Made-up names and what they resolve to: no real DNS query is ever made. */
const NAMES: Record<string, string> = { 'hooks.internal.test': '10.0.0.7', 'meta.internal.test': '169.254.169.254', 'img.internal.test': '192.168.1.20' };
const lookup = ((host: string, _o: unknown, cb: (e: Error | null, a: { address: string; family: number }[]) => void) => {
  const address = NAMES[host];
  if (!address) return cb(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
  cb(null, [{ address, family: 4 }]);
}) as unknown as LookupFunction;

let dir: string;
/** Private URLs allowed (for the local image server), like an operator's `--allow-private-urls`. */
let open: { app: FastifyInstance; queue: JobQueue };
/** The default: private URLs refused. */
let strict: { app: FastifyInstance; queue: JobQueue };
let images: Server;
let imagesBase: string;
let jpeg: Buffer;
let png: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-inputs-'));
  jpeg = await orientation6Jpeg(48, 32);
  png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } }).png().toBuffer();
  const common = { ...DEFAULT_SERVER_OPTIONS, engine: 'mirror', auth: { open: false, keys: ['k1'] }, syncWaitMs: 30_000, fetchTimeoutMs: 1500, dnsLookup: lookup };
  open = buildServer({ ...common, dataDir: join(dir, 'open'), allowPrivateUrls: true });
  strict = buildServer({ ...common, dataDir: join(dir, 'strict'), allowPrivateUrls: false });
  // 127.0.0.1 only: /403, /404 and /500 answer that status; /stall never answers.
  images = createServer((req, res) => {
    const status = Number(req.url?.slice(1));
    if (req.url === '/stall') return;
    res.writeHead(Number.isInteger(status) && status >= 400 ? status : 200, { 'content-type': 'image/png' }).end(png);
  }).listen(0, '127.0.0.1');
  await once(images, 'listening');
  imagesBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});
afterAll(async () => {
  images.closeAllConnections();
  images.close();
  await open.app.close();
  await strict.app.close();
  await rm(dir, { recursive: true, force: true });
});

function postJson(app: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

function postForm(app: FastifyInstance, url: string, fields: Record<string, string>, files: Record<string, Buffer>, headers: Record<string, string>) {
  const m = multipartBody(fields, files);
  return app.inject({ method: 'POST', url, headers: { ...m.headers, ...headers }, payload: m.payload });
}

/** The bytes of a generated file named by an absolute URL in a response. */
async function download(app: FastifyInstance, url: string): Promise<Buffer> {
  const res = await app.inject({ method: 'GET', url: new URL(url).pathname });
  expect(res.statusCode).toBe(200);
  return res.rawPayload;
}

async function jobCount(app: { queue: JobQueue }): Promise<number> {
  return (await app.queue.list(1000)).length;
}

describe('EXIF orientation: an orientation-6 JPEG comes out upright on every server surface', () => {
  const b64 = (): string => jpeg.toString('base64');

  it('v5 walk (inline data URI)', async () => {
    const res = await postJson(open.app, '/api/v5/outpaint', { key: 'k1', image: `data:image/jpeg;base64,${b64()}`, walk_type: ['left'], width: 64, height: 96, width_translation_per_step: 8, as_video: 'no', seed: 1 });
    const json = res.json<{ status: string; output: string[] }>();
    expect(json.status).toBe('success');
    const out = await rgbOf(await download(open.app, json.output[0]!));
    // Upright the input is 32×48, cover-fitted to 64×96; a left step shows it moved 8 px right.
    expect(uprightError(quadrantColours(out, 8, 0, 64, 96))).toBeLessThan(40);
  });

  it('ModelsLab enterprise, the picture larger than the canvas (scaled down to fit)', async () => {
    const big = await orientation6Jpeg(240, 160);
    const res = await postJson(open.app, '/api/v1/enterprise/image_editing/outpaint', { key: 'k1', image: big.toString('base64'), width: 128, height: 128, overlap_width: 0, seed: 1 });
    const json = res.json<{ status: string; output: string[] }>();
    expect(json.status).toBe('success');
    const out = await rgbOf(await download(open.app, json.output[0]!));
    // Upright 160×240 fits inside 128×128 as 85×128, centred.
    expect([out.width, out.height]).toEqual([128, 128]);
    expect(uprightError(quadrantColours(out, 21, 0, 85, 128))).toBeLessThan(40);
  });

  it('/api/edit/outpaint (multipart file)', async () => {
    const res = await postForm(open.app, '/api/edit/outpaint', { left: '16', output_format: 'png', seed: '1' }, { image: jpeg }, { authorization: 'Bearer k1' });
    const json = res.json<{ data: { image_url: string; width: number; height: number } }>();
    expect([res.statusCode, json.data.width, json.data.height]).toEqual([200, 48, 48]);
    expect(uprightError(quadrantColours(await rgbOf(await download(open.app, json.data.image_url)), 16, 0, 32, 48))).toBeLessThan(40);
  });

  it('BFL (base64 input_image)', async () => {
    const res = await postJson(open.app, '/v1/flux-tools/outpainting-v1', { input_image: b64(), width: 64, height: 64, output_format: 'png', seed: 1 }, { 'x-key': 'k1' });
    const { id } = res.json<{ id: string }>();
    await open.queue.waitFor(id, 30_000);
    const result = (await open.app.inject({ method: 'GET', url: `/v1/get_result?id=${id}`, headers: { 'x-key': 'k1' } })).json<{ status: string; result: { sample: string } }>();
    expect(result.status).toBe('Ready');
    expect(uprightError(quadrantColours(await rgbOf(await download(open.app, result.result.sample)), 16, 8, 32, 48))).toBeLessThan(40);
  });

  it('Picsart expand (multipart file, centred on width×height)', async () => {
    const res = await postForm(open.app, '/v1/painting/expand', { width: '64', height: '64', format: 'PNG', seed: '1' }, { image: jpeg }, { 'x-picsart-api-key': 'k1' });
    const json = res.json<{ status: string; data: { url: string }[] }>();
    expect(json.status).toBe('success');
    expect(uprightError(quadrantColours(await rgbOf(await download(open.app, json.data[0]!.url)), 16, 8, 32, 48))).toBeLessThan(40);
  });
});

describe('client mistakes are 4xx at submit, in each API’s shape, with nothing queued', () => {
  it('an image URL answering 403/404/500 names the field, the URL and its status', async () => {
    const before = await jobCount(open);
    for (const status of [403, 404, 500]) {
      const url = `${imagesBase}/${status}`;
      const v5 = await postJson(open.app, '/api/v5/outpaint', { key: 'k1', image: url, walk_type: ['left'] });
      expect([v5.statusCode, v5.json()]).toEqual([422, expect.objectContaining({ status: 'error', message: `image: ${url} answered HTTP ${status}` })]);
      const bfl = await postJson(open.app, '/v1/flux-tools/outpainting-v1', { input_image: url, width: 128, height: 128 }, { 'x-key': 'k1' });
      expect([bfl.statusCode, bfl.json()]).toEqual([422, { detail: [{ loc: ['body', 'input_image'], msg: `${url} answered HTTP ${status}`, type: 'value_error' }] }]);
      const picsart = await postForm(open.app, '/v1/painting/expand', { image_url: url, width: '128', height: '128' }, {}, { 'x-picsart-api-key': 'k1' });
      expect([picsart.statusCode, picsart.json()]).toEqual([400, { detail: `image_url: ${url} answered HTTP ${status}`, code: 400 }]);
      const ml = await postJson(open.app, '/api/v1/enterprise/image_editing/outpaint', { key: 'k1', image: url });
      expect([ml.statusCode, ml.json<{ message: string }>().message]).toEqual([422, `image: ${url} answered HTTP ${status}`]);
    }
    expect(await jobCount(open)).toBe(before);
  });

  it('an image URL that stalls is a 422 once the fetch timeout passes', async () => {
    const url = `${imagesBase}/stall`;
    const res = await postJson(open.app, '/api/v5/outpaint', { key: 'k1', image: url, walk_type: ['left'] });
    expect([res.statusCode, res.json<{ message: string }>().message]).toEqual([422, `image: could not fetch ${url}: timed out after 1500 ms`]);
  });

  it('a PNG with a valid header and corrupt data is decoded in full at submit and refused', async () => {
    const good = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#000' } }).png({ compressionLevel: 0 }).toBuffer();
    const corrupt = Buffer.from(good);
    // Past the signature and IHDR: the pixel data (and its CRC) is garbage; the header still reads.
    for (let i = 200; i < corrupt.length - 100; i += 7) corrupt[i] = (corrupt[i]! + 91) & 0xff;
    expect((await sharp(corrupt).metadata()).width).toBe(256);
    const before = await jobCount(open);
    const edit = await postForm(open.app, '/api/edit/outpaint', { left: '8' }, { image: corrupt }, { authorization: 'Bearer k1' });
    expect(edit.statusCode).toBe(422);
    expect(edit.json()).toEqual({ code: 422, message: expect.stringMatching(/^image: is not an image that can be decoded/), data: null });
    const bfl = await postJson(open.app, '/v1/flux-tools/outpainting-v1', { input_image: corrupt.toString('base64'), width: 300, height: 300 }, { 'x-key': 'k1' });
    expect(bfl.statusCode).toBe(422);
    expect(bfl.json<{ detail: { loc: string[] }[] }>().detail[0]!.loc).toEqual(['body', 'input_image']);
    expect(await jobCount(open)).toBe(before);
  });

  it('an edit canvas over 2048 px names the fields and the limit', async () => {
    const res = await postForm(open.app, '/api/edit/outpaint', { left: '2048', right: '100' }, { image: png }, { authorization: 'Bearer k1' });
    expect([res.statusCode, res.json()]).toEqual([422, { code: 422, message: 'left/right: the canvas would be 2212×48; the maximum side is 2048', data: null }]);
  });

  it('BFL offsets of ±1e5 are a 422 detail list naming reference_offset_x/_y', async () => {
    const res = await postJson(open.app, '/v1/flux-tools/outpainting-v1', { input_image: png.toString('base64'), width: 128, height: 128, reference_offset_x: 1e5, reference_offset_y: -1e5 }, { 'x-key': 'k1' });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ detail: { loc: string[] }[] }>().detail.map((d) => d.loc)).toEqual([['body', 'reference_offset_x'], ['body', 'reference_offset_y']]);
    // Within range but off the canvas: the placement check, under BFL's own field name.
    const off = await postJson(open.app, '/v1/flux-tools/outpainting-v1', { input_image: png.toString('base64'), width: 128, height: 128, reference_offset_x: 2000 }, { 'x-key': 'k1' });
    expect([off.statusCode, off.json<{ detail: { loc: string[] }[] }>().detail[0]!.loc]).toEqual([422, ['body', 'reference_offset_x']]);
  });

  it('empty base64 on the enterprise route is a 422 naming image', async () => {
    for (const image of ['data:image/png;base64,', '====', 'not an image!']) {
      const res = await postJson(open.app, '/api/v1/enterprise/image_editing/outpaint', { key: 'k1', image });
      expect(res.statusCode, image).toBe(422);
      expect(res.json<{ errors: { field: string }[] }>().errors[0]!.field).toBe('image');
    }
  });

  it('20,000-deep JSON is a 400 before it is parsed, in each API’s shape', async () => {
    const deep = `{"key":"k1","image":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const v5 = await postJson(open.app, '/api/v5/outpaint', deep);
    expect([v5.statusCode, v5.json()]).toEqual([400, { status: 'error', message: 'request body: JSON nested deeper than 64 levels' }]);
    const bfl = await postJson(open.app, '/v1/flux-tools/outpainting-v1', `{"input_image":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`, { 'x-key': 'k1' });
    expect([bfl.statusCode, bfl.json()]).toEqual([400, { detail: [{ loc: ['body'], msg: 'request body: JSON nested deeper than 64 levels', type: 'value_error' }] }]);
    // Brackets inside strings do not count.
    const inString = await postJson(open.app, '/api/v5/outpaint', { key: 'k1', image: '['.repeat(5000) });
    expect(inString.statusCode).toBe(422);
  });

  it('engine_options the engine does not declare are a 422 naming the option', async () => {
    const res = await postJson(open.app, '/api/v5/outpaint', { key: 'k1', image: `data:image/png;base64,${png.toString('base64')}`, walk_type: ['left'], engine_options: { width: 4096, batch_size: 64 } });
    expect(res.statusCode).toBe(422);
    expect(res.json<{ errors: { field: string; message: string }[] }>().errors).toEqual([
      { field: 'engine_options.width', message: 'is not accepted; engine "mirror" takes no engine_options' },
      { field: 'engine_options.batch_size', message: 'is not accepted; engine "mirror" takes no engine_options' },
    ]);
  });
});

describe('SSRF at submit', () => {
  it('refuses link-local and metadata addresses even with --allow-private-urls: image, webhook, and names resolving there', async () => {
    const before = await jobCount(open);
    const image = await postJson(open.app, '/api/v5/outpaint', { key: 'k1', image: 'http://169.254.169.254/latest/meta-data/x.png', walk_type: ['left'] });
    expect([image.statusCode, image.json<{ message: string }>().message]).toEqual([422, 'image: 169.254.169.254 is a link-local or cloud-metadata address, refused even with --allow-private-urls']);
    const inline = `data:image/png;base64,${png.toString('base64')}`;
    const hook = await postJson(open.app, '/api/v5/outpaint', { key: 'k1', image: inline, walk_type: ['left'], webhook: 'http://169.254.169.254/hook' });
    expect([hook.statusCode, hook.json<{ message: string }>().message]).toEqual([422, expect.stringMatching(/^webhook: 169.254.169.254 is a link-local or cloud-metadata address/)]);
    const named = await postJson(open.app, '/api/v1/enterprise/image_editing/outpaint', { key: 'k1', image: inline, webhook: 'http://meta.internal.test/hook' });
    expect([named.statusCode, named.json<{ message: string }>().message]).toEqual([422, expect.stringMatching(/^webhook: meta.internal.test resolves to 169.254.169.254, a link-local/)]);
    const nat64 = await postJson(open.app, '/v1/flux-tools/outpainting-v1', { input_image: 'http://[64:ff9b::a9fe:a9fe]/x.png', width: 128, height: 128 }, { 'x-key': 'k1' });
    expect([nat64.statusCode, nat64.json<{ detail: { msg: string }[] }>().detail[0]!.msg]).toEqual([422, expect.stringMatching(/link-local or cloud-metadata/)]);
    expect(await jobCount(open)).toBe(before);
  });

  it('without the flag, judges NAT64 and IPv4-compatible literals as the IPv4 address inside', async () => {
    for (const url of ['http://[64:ff9b::a9fe:a9fe]/x.png', 'http://[::127.0.0.1]/x.png', 'http://[::ffff:10.0.0.1]/x.png', 'http://[2002:7f00:1::]/x.png']) {
      const res = await postJson(strict.app, '/api/v5/outpaint', { key: 'k1', image: url, walk_type: ['left'] });
      expect([res.statusCode, res.json<{ message: string }>().message], url).toEqual([422, expect.stringMatching(/^image: \[.*\] is a private or loopback address$/)]);
    }
  });

  it('resolves a webhook’s name at submit and refuses a private answer (422); an image name is refused before connecting', async () => {
    const inline = `data:image/png;base64,${png.toString('base64')}`;
    const v5 = await postJson(strict.app, '/api/v5/outpaint', { key: 'k1', image: inline, walk_type: ['left'], webhook: 'http://hooks.internal.test/cb' });
    expect([v5.statusCode, v5.json<{ message: string }>().message]).toEqual([422, 'webhook: hooks.internal.test resolves to 10.0.0.7, a private or loopback address']);
    const ml = await postJson(strict.app, '/api/v1/enterprise/image_editing/outpaint', { key: 'k1', image: inline, webhook: 'http://hooks.internal.test/cb' });
    expect(ml.statusCode).toBe(422);
    const img = await postJson(strict.app, '/api/v5/outpaint', { key: 'k1', image: 'http://img.internal.test/x.png', walk_type: ['left'] });
    expect([img.statusCode, img.json<{ message: string }>().message]).toEqual([422, 'image: img.internal.test resolves to 192.168.1.20, a private or loopback address']);
    expect(await jobCount(strict)).toBe(0);
  });
});

describe('a PNG with alpha is outpainted where it is transparent', () => {
  it('/api/edit/outpaint generates the transparent pixels instead of keeping them black', async () => {
    // 32×32: the left half transparent (black underneath), the right half opaque white.
    const rgba = Buffer.alloc(32 * 32 * 4);
    for (let p = 0; p < 32 * 32; p++) if (p % 32 >= 16) rgba.fill(255, p * 4, p * 4 + 4);
    const cutout = await sharp(rgba, { raw: { width: 32, height: 32, channels: 4 } }).png().toBuffer();
    const res = await postForm(open.app, '/api/edit/outpaint', { left: '8', output_format: 'png' }, { image: cutout }, { authorization: 'Bearer k1' });
    const json = res.json<{ data: { image_url: string } }>();
    expect(res.statusCode).toBe(200);
    const out = await rgbOf(await download(open.app, json.data.image_url));
    expect([out.width, out.height]).toEqual([40, 32]);
    // The transparent half (x 8–23 on the canvas) is generated from the white pixels, not kept black.
    let sum = 0;
    for (let y = 0; y < 32; y++) for (let x = 8; x < 24; x++) sum += out.data[(y * 40 + x) * 3]!;
    expect(sum / (32 * 16)).toBeGreaterThan(200);
  });
});
