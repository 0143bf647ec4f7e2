import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { FormData, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import type { JobQueue } from '../../../src/server/jobs/types.js';
import { parseRetention } from '../../../src/server/retention.js';
import { ownerOf } from '../../../src/server/tenancy.js';
import { texturedImage, writePng } from '../../helpers/images.js';

// Two tenants and an operator: each tenant sees only its own jobs, on every API's fetch route,
// cancel and listing; the operator sees all; the database holds a hash of the key, not the key.
const K1 = 'tenant-one-key-5f1e';
const K2 = 'tenant-two-key-9a7c';
const OP = 'operator-key-c0ffee';

let dir: string;
let base: string;
let queue: JobQueue;
let close: () => Promise<void>;
let png: Buffer;

function options(data: string, retentionMs = 0): Parameters<typeof buildServer>[0] {
  return { ...DEFAULT_SERVER_OPTIONS, dataDir: data, engine: 'mirror', auth: { open: false, keys: [K1, K2, OP], operators: [OP] }, retentionMs, minFreeBytes: 0 };
}

async function json(method: 'GET' | 'POST' | 'DELETE', path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${base}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

/** Every API's fetch or poll route for job `id`, as the caller with `key` calls it. */
const fetchers: Record<string, (id: string, key: string) => Promise<{ status: number; body: Record<string, unknown> }>> = {
  v5: (id, key) => json('POST', `/api/v5/fetch/${id}`, {}, { key }),
  enterprise: (id, key) => json('POST', `/api/v1/enterprise/image_editing/fetch/${id}`, {}, { key }),
  bfl: (id, key) => json('GET', `/v1/get_result?id=${id}`, { 'x-key': key }),
  picsart: (id, key) => json('GET', `/v1/painting/expand/inferences/${id}`, { 'x-picsart-api-key': key }),
};

async function settle(id: string): Promise<void> {
  await queue.waitFor(id, 30_000);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-tenants-'));
  png = await readFile(await writePng(texturedImage(96, 72), join(dir, 'in.png')));
  const built = buildServer(options(join(dir, 'data')));
  queue = built.queue;
  base = await built.app.listen({ host: '127.0.0.1', port: 0 });
  close = () => built.app.close();
});
afterAll(async () => {
  await close();
  await rm(dir, { recursive: true, force: true });
});

describe('tenants: a job belongs to the key that submitted it', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const inline = `data:image/png;base64,${png.toString('base64')}`;
    ids['v5'] = (await json('POST', '/api/v5/outpaint', {}, { key: K1, image: inline, walk_type: ['left'], width: 64, height: 64, num_interpolation_steps: 2 })).body['id'] as string;
    ids['enterprise'] = (await json('POST', '/api/v1/enterprise/image_editing/outpaint', {}, { key: K1, image: inline, width: 128, height: 96 })).body['id'] as string;
    ids['bfl'] = (await json('POST', '/v1/flux-tools/outpainting-v1', { 'x-key': K1 }, { input_image: png.toString('base64'), width: 128, height: 96 })).body['id'] as string;
    const form = new FormData();
    form.set('image', new Blob([png], { type: 'image/png' }), 'in.png');
    for (const [k, v] of Object.entries({ width: '128', height: '96', mode: 'async' })) form.set(k, v);
    const picsart = await request(`${base}/v1/painting/expand`, { method: 'POST', headers: { 'x-picsart-api-key': K1 }, body: form });
    ids['picsart'] = ((await picsart.body.json()) as { inference_id: string }).inference_id;
    for (const id of Object.values(ids)) await settle(id);
  });

  it.each(Object.keys(fetchers))('%s: the owner and the operator fetch the job; another key gets that API’s 404', async (api) => {
    const id = ids[api]!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const own = await fetchers[api]!(id, K1);
    expect(own.status).toBe(200);
    expect(JSON.stringify(own.body)).toContain(id);
    expect((await fetchers[api]!(id, OP)).status).toBe(200);
    const other = await fetchers[api]!(id, K2);
    expect(other.status).toBe(404);
    // Exactly what an unknown id gets: nothing tells the other tenant that the job exists.
    const unknown = await fetchers[api]!('00000000-0000-4000-8000-000000000000', K2);
    expect(JSON.stringify(other.body).replaceAll(id, 'ID')).toBe(JSON.stringify(unknown.body).replaceAll('00000000-0000-4000-8000-000000000000', 'ID'));
  });

  it('lists each tenant’s own jobs; the operator lists every job', async () => {
    const listed = async (key: string): Promise<string[]> => ((await json('GET', '/api/jobs?limit=500', { 'x-key': key })).body['jobs'] as { id: string }[]).map((j) => j.id);
    const mine = Object.values(ids);
    expect((await listed(K1)).sort()).toEqual([...mine].sort());
    expect(await listed(K2)).toEqual([]);
    expect(await listed(OP)).toEqual(expect.arrayContaining(mine));
  });

  it('another key cannot cancel the job (404); the owner and the operator can', async () => {
    const { body } = await json('POST', '/api/v5/outpaint', {}, { key: K1, image: `data:image/png;base64,${png.toString('base64')}`, walk_type: ['left', 'left', 'left', 'left'], width: 64, height: 64, num_interpolation_steps: 120 });
    const id = body['id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const denied = await json('DELETE', `/api/jobs/${id}`, { 'x-key': K2 });
    expect([denied.status, denied.body['message']]).toEqual([404, `no job with id ${id}`]);
    expect((await queue.get(id))?.status).not.toBe('cancelled');
    const byOperator = await json('DELETE', `/api/jobs/${id}`, { authorization: `Bearer ${OP}` });
    expect([byOperator.status, byOperator.body]).toEqual([200, { status: 'cancelled', id }]);
  });

  it('serves outputs by their unguessable names without a key', async () => {
    const job = await queue.get(ids['bfl']!);
    expect(job?.status).toBe('success');
    const res = await request(`${base}/generations/${job!.outputs[0]}`);
    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'image/jpeg']);
    await res.body.dump();
  });

  it('stores a hash of the key as the owner, never the key', async () => {
    const job = await queue.get(ids['v5']!);
    expect(job?.owner).toBe(ownerOf(K1));
    expect(job?.owner).toMatch(/^[0-9a-f]{64}$/);
    const files = readdirSync(join(dir, 'data')).filter((f) => f.startsWith('jobs.sqlite'));
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir, 'data', f))));
    for (const key of [K1, K2, OP]) expect(bytes.includes(Buffer.from(key))).toBe(false);
  });
});

describe('GET /api/jobs: pages with a cursor', () => {
  it('walks every job once, newest first, in pages of `limit`, with small rows', async () => {
    const all = (await json('GET', '/api/jobs?limit=500', { 'x-key': OP })).body['jobs'] as { id: string }[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await json('GET', `/api/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { 'x-key': OP });
      const jobs = page.body['jobs'] as Record<string, unknown>[];
      expect(jobs.length).toBeLessThanOrEqual(2);
      for (const j of jobs) expect(Object.keys(j).sort()).toEqual(['created_at', 'error', 'id', 'progress', 'status', 'thumbnail', 'updated_at']);
      seen.push(...jobs.map((j) => j['id'] as string));
      cursor = page.body['next_cursor'] as string | null;
    } while (cursor);
    expect(seen).toEqual(all.map((j) => j.id));
  });

  it('refuses a cursor it did not hand out with 422 naming the field', async () => {
    const res = await json('GET', '/api/jobs?cursor=not-a-cursor', { 'x-key': OP });
    expect(res.status).toBe(422);
    expect(res.body['message']).toMatch(/^cursor: /);
  });
});

describe('retention', () => {
  it('parses durations, and 0 keeps jobs forever', () => {
    expect([parseRetention('24h'), parseRetention('90m'), parseRetention('1h30m'), parseRetention('7d'), parseRetention('0')]).toEqual([86_400_000, 5_400_000, 5_400_000, 604_800_000, 0]);
    expect(() => parseRetention('forever')).toThrow(/--retention: "forever" is not a duration/);
  });

  it('deletes a finished job’s record, outputs, inputs and checkpoints at start once it is older than --retention', async () => {
    const data = join(dir, 'retention');
    const first = buildServer(options(data, 0));
    const url = await first.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await request(`${url}/v1/flux-tools/outpainting-v1`, { method: 'POST', headers: { 'x-key': K1, 'content-type': 'application/json' }, body: JSON.stringify({ input_image: png.toString('base64'), width: 128, height: 96 }) });
    const { id } = (await res.body.json()) as { id: string };
    const done = await first.queue.waitFor(id, 30_000);
    expect(done?.status).toBe('success');
    const output = join(data, 'generations', done!.outputs[0]!);
    expect(existsSync(output)).toBe(true);
    await first.app.close();
    await new Promise((r) => setTimeout(r, 30));

    const second = buildServer(options(data, 10));
    await second.app.ready();
    for (let i = 0; i < 100 && (await second.queue.get(id)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await second.queue.get(id)).toBeNull();
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(join(data, 'generations'))).toEqual([]);
    expect(readdirSync(join(data, 'inputs'))).toEqual([]);
    expect(readdirSync(join(data, 'checkpoints'))).toEqual([]);
    await second.app.close();
  });

  it('keeps finished jobs with --retention 0', async () => {
    const data = join(dir, 'keep');
    const first = buildServer(options(data, 0));
    const job = await first.queue.submit({ _kind: 'outpaint', _input: 'missing.img', spec: { placement: { width: 64, height: 64 }, prompt: '', negativePrompt: '', seed: 1, steps: 1, guidance: 1, format: 'png', count: 1 } }, ownerOf(K1));
    await first.queue.waitFor(job.id, 30_000);
    await first.app.close();
    const second = buildServer(options(data, 0));
    await second.app.ready();
    await new Promise((r) => setTimeout(r, 50));
    expect((await second.queue.get(job.id))?.status).toBe('error');
    await second.app.close();
  });
});

describe('images a failed request stored', () => {
  it('are removed when the request is refused after the image was stored (Picsart: a mask that is not an image)', async () => {
    const inputs = join(dir, 'data', 'inputs');
    const before = readdirSync(inputs);
    const form = new FormData();
    form.set('image', new Blob([png], { type: 'image/png' }), 'in.png');
    form.set('mask', new Blob([Buffer.from('not an image at all')], { type: 'image/png' }), 'mask.png');
    form.set('mode', 'async');
    const res = await request(`${base}/v1/painting/expand`, { method: 'POST', headers: { 'x-picsart-api-key': K1 }, body: form });
    expect(res.statusCode).toBe(400);
    expect(((await res.body.json()) as { detail: string }).detail).toMatch(/mask/);
    await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(inputs).sort()).toEqual(before.sort());
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png' });
  });
});
