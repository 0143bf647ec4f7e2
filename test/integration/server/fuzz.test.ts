import { mkdtemp, rm } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, DEFAULT_SERVER_OPTIONS, type JobQueue } from '../../../src/server/index.js';
import { multipartBody } from '../../helpers/multipart-body.js';

/**
 * Generated bodies against every route through `app.inject` (no sockets), with the mirror engine:
 * never a 5xx, never a crash, memory bounded. Every name resolves to nothing (an injected
 * resolver), private URLs are refused, and no generated URL has a public IP literal, so nothing is
 * ever fetched. Queued jobs are cancelled between batches so renders stay short.
 */

const noDns = ((host: string, _o: unknown, cb: (e: Error, a: never[]) => void) => cb(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), [])) as unknown as LookupFunction;

let dir: string;
let app: FastifyInstance;
let queue: JobQueue;
let png: Buffer;
let alphaPng: Buffer;
let jpeg: Buffer;
const tried = { total: 0, byRoute: new Map<string, number>() };
const crashes: unknown[] = [];
const onCrash = (err: unknown): void => void crashes.push(err);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-fuzz-'));
  png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#4080c0' } }).png().toBuffer();
  alphaPng = await sharp({ create: { width: 12, height: 12, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.2 } } }).png().toBuffer();
  jpeg = await sharp({ create: { width: 12, height: 16, channels: 3, background: '#c08040' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  ({ app, queue } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'data'), engine: 'mirror', auth: { open: false, keys: ['k1'] }, syncWaitMs: 0, fetchTimeoutMs: 500, dnsLookup: noDns }));
  await app.ready();
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
});
afterAll(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

/** Image-ish values: valid small pictures, random bytes, truncated ones, URLs that are refused or do not resolve. */
function imageValue(): fc.Arbitrary<string> {
  const bytes = fc.oneof(
    fc.constant(png),
    fc.constant(alphaPng),
    fc.constant(jpeg),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.integer({ min: 1, max: 80 }).map((n) => png.subarray(0, n)),
    fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.concat([png.subarray(0, 33), Buffer.from(b)])),
  );
  return fc.oneof(
    bytes.map((b) => b.toString('base64')),
    bytes.map((b) => `data:image/png;base64,${b.toString('base64')}`),
    fc.constantFrom('http://127.0.0.1:1/x.png', 'http://[::1]/x.png', 'http://169.254.169.254/latest', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[::127.0.0.1]/', 'ftp://x/y', 'file:///etc/passwd', 'http://', '', ' ', 'data:,', 'data:image/png;base64,', '===='),
    fc.webUrl().map((u) => u.replace(/^https?:\/\/[^/]*/, (m) => `${m.startsWith('https') ? 'https' : 'http'}://made-up-${m.length}.invalid`)),
    fc.string({ maxLength: 40 }),
  );
}

/** Any JSON-ish value, with unicode, numbers at the edges, and some nesting. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(0, -1, 1, 1e5, -1e5, 1e308, Number.MAX_SAFE_INTEGER, 0.5, 64, 65, 2048, 2049, '64', 'NaN', 'Infinity', true, false, null, [], {}, 'yes', 'no'),
);

function fieldValue(choices: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...choices) }, { weight: 1, arbitrary: anyValue });
}

/** A body built from an API's own field names: mostly plausible values, some of any type; any subset of the fields. */
function apiBody(fields: Record<string, readonly unknown[]>, image: string[]): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(fields)) model[k] = fieldValue(v);
  for (const k of image) model[k] = fc.oneof({ weight: 4, arbitrary: imageValue() }, { weight: 1, arbitrary: anyValue });
  return fc.tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 12 }), anyValue, { maxKeys: 3 })).map(([a, extra]) => ({ ...extra, ...a }));
}

const SIZES = [64, 72, 96, 128, 0, -1, 4096, 1.5, '96', 'wide'];
const v5Body = (): fc.Arbitrary<Record<string, unknown>> => apiBody(
  {
    key: ['k1', 'k1', 'wrong'],
    walk_type: [['left'], ['backward', 'up'], 'right', ['sideways'], [], ['left', 'left', 'down']],
    width: SIZES,
    height: SIZES,
    width_translation_per_step: [4, 8, 200, 0],
    height_translation_per_step: [4, 8, 200, 0],
    translation_factor: [0.1, 0.5, 1, 0],
    num_interpolation_steps: [1, 2, 500],
    num_inference_steps: [1, 5, 99],
    fps: [1, 4, 0, 500],
    samples: [1, 2, 9],
    as_video: ['no', 'yes', 'maybe', true],
    output_format: ['png', 'mp4', 'gif', 'webm', 'avi'],
    seed: [null, 0, 1, -1, 2 ** 40],
    webhook: ['http://127.0.0.1:1/h', 'http://hooks.invalid/h', 'http://169.254.169.254/', 'nope', null],
    engine: ['mirror', 'classical', 'iopaint', ''],
    engine_options: [{}, { steps: 1 }, { sd_sampler: 'x' }, null, 'x'],
    preset: ['panorama', 'nope', 1],
    overlap_width: [0, 4, 999],
    prompt: ['', 'a', ['a', 'b'], 7],
    _input: ['../../etc/passwd'],
    spec: [{ count: 1 }],
  },
  ['image'],
);
const enterpriseBody = (): fc.Arbitrary<Record<string, unknown>> => apiBody(
  {
    key: ['k1', 'k1', 'wrong'],
    width: SIZES,
    height: SIZES,
    overlap_width: [0, 10, 99],
    num_inference_steps: [1, 10, 99],
    guidance_scale: [0, 8, 99],
    seed: [null, 0, -1, 1],
    base64: [true, false, 'yes'],
    webhook: ['http://127.0.0.1:1/h', 'http://hooks.invalid/h', 'http://169.254.169.254/', 'nope', null],
    track_id: ['t', 1, null, {}],
  },
  ['image'],
);
const bflBody = (): fc.Arbitrary<Record<string, unknown>> => apiBody(
  {
    width: SIZES,
    height: SIZES,
    reference_offset_x: [0, 10, -10, 1e5, -1e5, 2048],
    reference_offset_y: [0, 10, -10, 1e5, -1e5],
    auto_crop: [true, false],
    steps: [1, 20, 99],
    output_format: ['jpeg', 'png', 'gif'],
    safety_tolerance: [0, 6, 9],
    seed: [null, 1, -1],
  },
  ['input_image'],
);

/** A JSON route's request: the body as JSON, as raw text (malformed or deeply nested), or with another content type. */
function jsonRequest(url: string, body: fc.Arbitrary<Record<string, unknown>>, headers: Record<string, string>): fc.Arbitrary<InjectOptions> {
  const raw = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.integer({ min: 1, max: 30_000 }).map((d) => `{"key":"k1","image":${'['.repeat(d)}${']'.repeat(d)}}`),
    fc.integer({ min: 1, max: 200 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
    fc.constantFrom('', 'null', '[]', '"x"', '1', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
  );
  return fc.oneof(
    { weight: 6, arbitrary: body.map((b) => ({ method: 'POST' as const, url, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(b) })) },
    { weight: 2, arbitrary: raw.map((payload) => ({ method: 'POST' as const, url, headers: { 'content-type': 'application/json', ...headers }, payload })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'image/png', 'multipart/form-data'), fc.string({ maxLength: 60 })).map(([type, payload]) => ({ method: 'POST' as const, url, headers: { 'content-type': type, ...headers }, payload })) },
  );
}

/** A multipart route's request: random text fields and files (valid, truncated or random image bytes). */
function multipartRequest(url: string, fields: Record<string, readonly string[]>, headers: Record<string, string>): fc.Arbitrary<InjectOptions> {
  const text: Record<string, fc.Arbitrary<string>> = {};
  for (const [k, v] of Object.entries(fields)) text[k] = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...v) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) });
  const file = fc.oneof(fc.constant(png), fc.constant(alphaPng), fc.constant(jpeg), fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)), fc.integer({ min: 0, max: 90 }).map((n) => png.subarray(0, n)));
  const files = fc.record({ image: file, mask: file, other: file }, { requiredKeys: [] });
  const body = fc.tuple(fc.record(text, { requiredKeys: [] }), files, fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => /^[a-z_]+$/.test(k)), fc.string({ maxLength: 10 }), { maxKeys: 2 }));
  return fc.oneof(
    { weight: 6, arbitrary: body.map(([f, fl, extra]) => ({ ...multipartBody({ ...extra, ...f } as Record<string, string>, fl as Record<string, Buffer>), method: 'POST' as const, url })).map((o) => ({ ...o, headers: { ...o.headers, ...headers } })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => ({ method: 'POST' as const, url, headers: { 'content-type': 'multipart/form-data; boundary=----zoomwalk-test-boundary', ...headers }, payload: Buffer.from(b) })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((payload) => ({ method: 'POST' as const, url, headers: { 'content-type': 'application/json', ...headers }, payload })) },
  );
}

const anyId = fc.oneof(fc.uuid(), fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.constantFrom('..%2F..%2Fjobs.sqlite', '%00', 'x'.repeat(300)));
const GETS: fc.Arbitrary<InjectOptions> = fc.oneof(
  anyId.map((id) => ({ method: 'POST' as const, url: `/api/v5/fetch/${id}`, headers: { 'content-type': 'application/json' }, payload: '{"key":"k1"}' })),
  anyId.map((id) => ({ method: 'POST' as const, url: `/api/v1/enterprise/image_editing/fetch/${id}`, headers: { 'content-type': 'application/json' }, payload: '{"key":"k1"}' })),
  anyId.map((id) => ({ method: 'GET' as const, url: `/v1/get_result?id=${id}`, headers: { 'x-key': 'k1' } })),
  anyId.map((id) => ({ method: 'GET' as const, url: `/v1/painting/expand/inferences/${id}`, headers: { 'x-picsart-api-key': 'k1' } })),
  anyId.map((id) => ({ method: 'GET' as const, url: `/generations/${id}`, headers: { range: 'bytes=0-10' } })),
  anyId.map((id) => ({ method: 'DELETE' as const, url: `/api/jobs/${id}`, headers: { 'x-key': 'k1' } })),
  fc.oneof(fc.integer(), fc.string({ maxLength: 10 })).map((limit) => ({ method: 'GET' as const, url: `/api/jobs?limit=${encodeURIComponent(String(limit))}`, headers: { 'x-key': 'k1' } })),
  fc.constant({ method: 'GET' as const, url: '/health' }),
);

/** Every route with its share of the runs; built once the test images exist. */
const routes = (): { name: string; runs: number; arb: fc.Arbitrary<InjectOptions> }[] => [
  { name: 'POST /api/v5/outpaint', runs: 1100, arb: jsonRequest('/api/v5/outpaint', v5Body(), {}) },
  { name: 'POST /api/v1/enterprise/image_editing/outpaint', runs: 700, arb: jsonRequest('/api/v1/enterprise/image_editing/outpaint', enterpriseBody(), {}) },
  { name: 'POST /v1/flux-tools/outpainting-v1', runs: 800, arb: jsonRequest('/v1/flux-tools/outpainting-v1', bflBody(), { 'x-key': 'k1' }) },
  {
    name: 'POST /api/edit/outpaint',
    runs: 800,
    arb: multipartRequest('/api/edit/outpaint', { left: ['0', '8', '2048', '-1', ''], right: ['4', '3000'], up: ['4'], down: ['1'], creativity: ['0', '1', '2'], seed: ['1', '-1'], output_format: ['png', 'jpg', 'gif'] }, { authorization: 'Bearer k1' }),
  },
  {
    name: 'POST /v1/painting/expand',
    runs: 800,
    arb: multipartRequest('/v1/painting/expand', { width: ['64', '96', '5000', ''], height: ['64', '96', '-3'], count: ['1', '2', '11'], format: ['PNG', 'JPG', 'BMP'], mode: ['async', 'sync', 'x'], image_url: ['http://127.0.0.1:1/x', 'http://made-up.invalid/x', 'x'], mask_url: ['http://[::1]/m'] }, { 'x-picsart-api-key': 'k1' }),
  },
  { name: 'reads, cancels, files, health', runs: 800, arb: GETS },
];

/** Cancels every job still queued or running, so generated jobs never render for long. */
async function cancelAll(): Promise<void> {
  for (const job of await queue.list(1000)) if (job.status === 'queued' || job.status === 'processing') await queue.cancel(job.id);
}

describe('fuzz: generated bodies against every route', () => {
  it('never answers 5xx, never crashes, keeps memory bounded', async () => {
    // Warm up (sharp, zod, SQLite) before measuring memory.
    await app.inject({ method: 'POST', url: '/api/v5/outpaint', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ key: 'k1', image: png.toString('base64'), walk_type: ['left'], width: 64, height: 64 }) });
    await cancelAll();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const failures: string[] = [];
    for (const route of routes()) {
      await fc.assert(
        fc.asyncProperty(route.arb, async (req) => {
          const res = await app.inject(req);
          tried.total++;
          tried.byRoute.set(route.name, (tried.byRoute.get(route.name) ?? 0) + 1);
          if (tried.total % 200 === 0) {
            await cancelAll();
            peak = Math.max(peak, process.memoryUsage().rss);
          }
          // A sync API's 504 "still rendering" is its documented answer when the wait (0 here) runs out.
          const timedOut = res.statusCode === 504 && /still rendering/.test(res.body);
          if (res.statusCode >= 500 && !timedOut) failures.push(`${req.method} ${String(req.url)} → ${res.statusCode} ${res.body.slice(0, 200)} (body ${String(req.payload).slice(0, 200)})`);
          return res.statusCode < 500 || timedOut;
        }),
        { numRuns: route.runs },
      );
    }
    await cancelAll();
    peak = Math.max(peak, process.memoryUsage().rss);
    // A job that was accepted must not fail for its input: that mistake belonged in a 4xx at submit.
    const failed = (await queue.list(100_000)).filter((j) => j.status === 'error' && j.error !== 'cancelled').map((j) => `${j.id}: ${j.error}`);
    const growthMb = (peak - rssBefore) / 1024 / 1024;
    console.log(`fuzz: tried ${tried.total} generated requests (${[...tried.byRoute].map(([r, n]) => `${r}: ${n}`).join('; ')}); RSS growth ${growthMb.toFixed(0)} MB`);
    expect(failures).toEqual([]);
    expect(failed).toEqual([]);
    expect(crashes).toEqual([]);
    expect(tried.total).toBeGreaterThanOrEqual(5000);
    expect(growthMb).toBeLessThan(400);
  }, 240_000);
});
