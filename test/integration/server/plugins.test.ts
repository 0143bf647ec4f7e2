import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { FormData, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS, type JobQueue } from '../../../src/server/index.js';
import { texturedImage, writePng } from '../../helpers/images.js';

let dir: string;
let base: string;
let queue: JobQueue;
let close: () => Promise<void>;
let png: Buffer;

const INTERNAL = ['_kind', '_input', '_mask', 'spec', 'key'];

/** The names in a response's meta the server keeps for itself (none expected). */
function internalNames(json: Record<string, unknown>): string[] {
  const meta = json['meta'] as Record<string, unknown> | undefined;
  return Object.keys(meta ?? {}).filter((k) => INTERNAL.includes(k) || k.startsWith('_'));
}

async function fetchV5(id: string): Promise<Record<string, unknown>> {
  const res = await request(`${base}/api/v5/fetch/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k1' }) });
  return (await res.body.json()) as Record<string, unknown>;
}

function form(fields: Record<string, string>, files: Record<string, Buffer>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, v] of Object.entries(files)) f.append(k, new Blob([v], { type: 'image/png' }), `${k}.png`);
  return f;
}

function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  return request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-apis-'));
  png = await readFile(await writePng(texturedImage(64, 48), join(dir, 'in.png')));
  // A partial video left by a dead process, and a file that is not one.
  mkdirSync(join(dir, 'data', 'generations'), { recursive: true });
  writeFileSync(join(dir, 'data', 'generations', '.dead.mp4.4242.part'), 'x');
  writeFileSync(join(dir, 'data', 'generations', 'kept.mp4'), 'x');
  // syncWaitMs 0: every API answers at once, so jobs can be seen while queued.
  const built = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'data'), engine: 'mirror', auth: { open: false, keys: ['k1'] }, allowPrivateUrls: true, syncWaitMs: 0 });
  queue = built.queue;
  base = await built.app.listen({ host: '127.0.0.1', port: 0 });
  close = () => built.app.close();
});
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

describe('zoomwalk serve: meta never shows internal fields', () => {
  it('submits each API format and finds no internal field in meta, queued or finished', async () => {
    const inline = `data:image/png;base64,${png.toString('base64')}`;
    // A long walk first holds the queue (concurrency 1), so every later job is seen queued; it also
    // tries to smuggle internal fields in, which must be dropped (it stays a walk).
    const blocker = await postJson('/api/v5/outpaint', { key: 'k1', image: inline, walk_type: ['left', 'left', 'left', 'left'], width: 64, height: 64, num_interpolation_steps: 120, _kind: 'outpaint', spec: { count: 1 }, _mask: 'x.img' });
    const blockerId = ((await blocker.body.json()) as { id: string }).id;
    const v5 = await postJson('/api/v5/outpaint', { key: 'k1', image: inline, walk_type: ['left'], width: 64, height: 64, as_video: 'no' });
    expect(v5.statusCode).toBe(200);
    const enterprise = await postJson('/api/v1/enterprise/image_editing/outpaint', { key: 'k1', image: inline, width: 96, height: 96, track_id: 't' });
    const enterpriseJson = (await enterprise.body.json()) as Record<string, unknown>;
    expect(enterpriseJson['status']).toBe('processing');
    expect(internalNames(enterpriseJson)).toEqual([]);
    const edit = await request(`${base}/api/edit/outpaint`, { method: 'POST', headers: { authorization: 'Bearer k1' }, body: form({ left: '8' }, { image: png }) });
    expect(edit.statusCode).toBe(504);
    await edit.body.dump();
    const bfl = await postJson('/v1/flux-tools/outpainting-v1', { input_image: png.toString('base64'), width: 96, height: 64 }, { 'x-key': 'k1' });
    expect(bfl.statusCode).toBe(200);
    await bfl.body.dump();
    const strip = await sharp({ create: { width: 16, height: 48, channels: 3, background: '#fff' } }).png().toBuffer();
    const mask = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000' } }).composite([{ input: strip, left: 0, top: 0 }]).png().toBuffer();
    const picsart = await request(`${base}/v1/painting/expand`, { method: 'POST', headers: { 'x-picsart-api-key': 'k1' }, body: form({ mode: 'async' }, { image: png, mask }) });
    expect(picsart.statusCode).toBe(202);
    await picsart.body.dump();

    const jobs = await queue.list(10);
    expect(jobs).toHaveLength(6);
    // Every stored job keeps its internal fields; no response shows them.
    expect(jobs.filter((j) => typeof j.request['_input'] === 'string')).toHaveLength(6);
    for (const job of jobs) {
      const pending = await fetchV5(job.id);
      expect(pending['status']).toBe('processing');
      expect(internalNames(pending)).toEqual([]);
    }
    expect(await queue.cancel(blockerId)).toBe(true);
    for (const job of jobs) {
      let done = await fetchV5(job.id);
      for (let i = 0; i < 400 && done['status'] === 'processing'; i++) {
        await new Promise((r) => setTimeout(r, 25));
        done = await fetchV5(job.id);
      }
      expect([job.id, done['status'], done['message']]).toEqual([job.id, job.id === blockerId ? 'error' : 'success', job.id === blockerId ? 'cancelled' : undefined]);
      expect(internalNames(done)).toEqual([]);
    }
    const blockerJob = await queue.get(blockerId);
    expect(blockerJob?.request['_kind']).toBeUndefined();
  }, 60_000);
});

describe('zoomwalk serve: API plugins', () => {
  it('keeps each API’s key check to its own routes and its own 401 body', async () => {
    const bfl = await postJson('/v1/flux-tools/outpainting-v1', {}, { 'x-key': 'nope' });
    expect([bfl.statusCode, await bfl.body.json()]).toEqual([401, { detail: 'Invalid or missing x-key header' }]);
    const picsart = await request(`${base}/v1/painting/expand/inferences/x`, { headers: { 'x-picsart-api-key': 'nope' } });
    expect([picsart.statusCode, await picsart.body.json()]).toEqual([401, { detail: 'invalid or missing X-Picsart-API-Key header', code: 401 }]);
    const admin = await request(`${base}/api/jobs`);
    expect([admin.statusCode, await admin.body.json()]).toEqual([401, { status: 'error', message: 'invalid or missing API key' }]);
    // The routes outside every API plugin need no key.
    expect((await request(`${base}/health`)).statusCode).toBe(200);
    expect((await request(`${base}/generations/nope.mp4`)).statusCode).toBe(404);
  });

  it('passes what an API does not map itself to the generic error body', async () => {
    const res = await postJson('/v1/flux-tools/outpainting-v1', '{oops', { 'x-key': 'k1' });
    expect(res.statusCode).toBe(400);
    expect(await res.body.json()).toMatchObject({ status: 'error', message: expect.stringMatching(/^malformed JSON body/) });
  });

  it('puts the configured public URL in every link', async () => {
    const built = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'public'), engine: 'mirror', auth: { open: true, keys: [] }, syncWaitMs: 0, publicUrl: 'https://zw.example' });
    const at = await built.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await request(`${at}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: `data:image/png;base64,${png.toString('base64')}`, walk_type: ['left'], width: 64, height: 64 }) });
      const json = (await res.body.json()) as { id: string; fetch_result: string; future_links: string[] };
      expect(json.fetch_result).toBe(`https://zw.example/api/v5/fetch/${json.id}`);
      expect(json.future_links).toEqual([`https://zw.example/generations/${json.id}.mp4`]);
    } finally {
      await built.app.close();
    }
  });

  it('removes partial videos of a dead process at start, and nothing else', () => {
    expect(readdirSync(join(dir, 'data', 'generations'))).toContain('kept.mp4');
    expect(readdirSync(join(dir, 'data', 'generations'))).not.toContain('.dead.mp4.4242.part');
  });
});
