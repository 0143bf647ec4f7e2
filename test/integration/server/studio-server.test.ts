// The server side of the studio against a real server on 127.0.0.1 with a counting engine: the
// live event stream (keyframes before done, throttled progress, thumbnails that exist when named),
// thumbnails in the listing, checkpoints kept after success, redo from a step (the engine is called
// only for the steps from it on), and DELETE ?files=true.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMirrorEngine } from '../../../src/engines/mirror.js';
import type { OutpaintEngine } from '../../../src/engines/types.js';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import type { JobQueue } from '../../../src/server/jobs/types.js';
import { SseParser } from '../../../src/studio/sse.js';
import { probe } from '../../helpers/video.js';

const SAMPLE = join(import.meta.dirname, '..', '..', '..', 'samples', 'mountain-autumn.jpg');
const STEPS = ['left', 'up', 'backward'];
const INTERPOLATION = 4;

let dir: string;
let app: FastifyInstance;
let queue: JobQueue;
let base: string;
let image: string;
/** How many times the engine outpainted (once per keyframe made, none for a keyframe taken from a checkpoint). */
let calls = 0;

/** The mirror engine, 150 ms a keyframe, counting its calls. */
function countingEngine(): OutpaintEngine {
  const mirror = createMirrorEngine();
  return { name: 'counting', outpaint: async (task, signal) => (calls++, await new Promise((r) => setTimeout(r, 150)), mirror.outpaint(task, signal)) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-studio-server-'));
  ({ app, queue } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: join(dir, 'data'), engine: countingEngine(), auth: { open: true, keys: [] } }));
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  image = `data:image/jpeg;base64,${(await readFile(SAMPLE)).toString('base64')}`;
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const json = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const submit = async (walk = STEPS): Promise<string> => {
  const r = await json('POST', '/api/v5/outpaint', { image, walk_type: walk, width: 128, height: 96, num_interpolation_steps: INTERPOLATION, fps: 12, seed: 7 });
  expect(r.status).toBe(200);
  return r.body['id'] as string;
};

/** Reads a job's whole stream, noting when each event arrived. */
async function stream(id: string): Promise<{ id: number; event: string; data: Record<string, unknown>; at: number }[]> {
  const res = await fetch(`${base}/api/jobs/${id}/events`);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const parser = new SseParser();
  const out: { id: number; event: string; data: Record<string, unknown>; at: number }[] = [];
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    for (const e of parser.feed(decoder.decode(chunk, { stream: true }))) out.push({ id: Number(e.id), event: e.event, data: JSON.parse(e.data) as Record<string, unknown>, at: performance.now() });
  }
  return out;
}

let first: string;

describe('the studio\'s server side', () => {
  it('streams a running walk: each keyframe with a thumbnail that exists, before done; progress at most 4 a second; ids growing', async () => {
    first = await submit();
    const events = await stream(first);
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids.filter((i) => i > 0)).size).toBe(ids.filter((i) => i > 0).length);
    const keyframes = events.filter((e) => e.event === 'keyframe');
    expect(keyframes.map((e) => e.data['index'])).toEqual([1, 2, 3]);
    expect(events.at(-1)!.event).toBe('done');
    expect(events.findIndex((e) => e.event === 'keyframe')).toBeLessThan(events.length - 1);
    for (const k of keyframes) {
      const res = await fetch(String(k.data['url']));
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(256);
      expect({ width: meta.width, height: meta.height }).toEqual({ width: k.data['width'], height: k.data['height'] });
    }
    const progress = events.filter((e) => e.event === 'progress');
    // Arrival times: a server 250 ms apart may reach the client a little closer together.
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.at - progress[i - 1]!.at).toBeGreaterThan(150);
    const done = events.at(-1)!.data;
    expect(done).toMatchObject({ status: 'success', id: first });
    expect(await probe(join(dir, 'data', 'generations', `${first}.mp4`))).toMatchObject({ frames: 1 + STEPS.length * INTERPOLATION });
    expect(calls).toBe(STEPS.length);
  });

  it('lists the job with its latest thumbnail and keeps its checkpoints after success', async () => {
    const { body } = await json('GET', '/api/jobs?limit=5');
    const row = (body['jobs'] as Record<string, unknown>[]).find((j) => j['id'] === first)!;
    expect(row['thumbnail']).toBe(`${base}/generations/${first}-k0-3.jpg`);
    expect(readdirSync(join(dir, 'data', 'checkpoints', first)).sort()).toEqual(['0-1.rgb', '0-2.rgb', '0-3.rgb', 'events.jsonl', 'input.img', 'thumbnail']);
  });

  it('redoes from step 2: a new job that outpaints steps 2 and 3 only (steps − 1 = 2 engine calls) with the new seed', async () => {
    calls = 0;
    const r = await json('POST', `/api/jobs/${first}/redo`, { from_step: 2, seed: 42 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'processing', resumed_from_step: 2 });
    const id = r.body['id'] as string;
    expect(id).not.toBe(first);
    const events = await stream(id);
    const done = events.at(-1)!;
    expect(done.event).toBe('done');
    // Steps 2 … 3 of 3: the engine ran 3 − 2 + 1 = 2 times; step 1 came from the first job's checkpoint.
    expect(calls).toBe(2);
    const meta = done.data['meta'] as Record<string, unknown>;
    expect(meta['resumed_from_keyframe']).toBe(1);
    expect(meta['seed']).toEqual([7, 42, 7 + 2 * 7919]);
    expect(events.filter((e) => e.event === 'keyframe').map((e) => e.data['index'])).toEqual([1, 2, 3]);
    // Keyframe 1 is the first job's, byte for byte; keyframe 2 is new.
    const cp = (job: string, n: number) => readFile(join(dir, 'data', 'checkpoints', job, `0-${n}.rgb`));
    expect((await cp(id, 1)).equals(await cp(first, 1))).toBe(true);
    expect(await probe(join(dir, 'data', 'generations', `${id}.mp4`))).toMatchObject({ frames: 1 + STEPS.length * INTERPOLATION });
  });

  it('refuses a redo out of range (422 from_step), of an unknown job (404) and of a running one (409)', async () => {
    for (const from_step of [0, 4]) {
      const r = await json('POST', `/api/jobs/${first}/redo`, { from_step });
      expect(r.status).toBe(422);
      expect((r.body['errors'] as { field: string }[])[0]!.field).toBe('from_step');
    }
    expect((await json('POST', '/api/jobs/nope/redo', { from_step: 1 })).status).toBe(404);
    const running = await submit();
    expect((await json('POST', `/api/jobs/${running}/redo`, { from_step: 2 })).status).toBe(409);
    expect((await json('DELETE', `/api/jobs/${running}?files=true`)).status).toBe(409);
    await queue.waitFor(running, 30_000);
  });

  it('deletes a finished job with ?files=true: its record, outputs, thumbnails and checkpoints', async () => {
    const generations = join(dir, 'data', 'generations');
    expect(readdirSync(generations).filter((f) => f.startsWith(first))).toHaveLength(4);
    const r = await json('DELETE', `/api/jobs/${first}?files=true`);
    expect(r).toEqual({ status: 200, body: { status: 'deleted', id: first } });
    expect(readdirSync(generations).filter((f) => f.startsWith(first))).toEqual([]);
    expect(existsSync(join(dir, 'data', 'checkpoints', first))).toBe(false);
    expect(await queue.get(first)).toBeNull();
    expect((await json('POST', `/api/v5/fetch/${first}`, {})).status).toBe(404);
  });

  it('ends open streams when the server closes, so a stream never holds up a shutdown', async () => {
    const running = await submit(Array<string>(30).fill('left'));
    const res = await fetch(`${base}/api/jobs/${running}/events`);
    const reader = res.body!.getReader();
    await reader.read();
    await app.close();
    // The job still had 30 keyframes of 150 ms to make: had the stream held the close up until the
    // job ended (and ended the stream), its video would be there.
    expect(existsSync(join(dir, 'data', 'generations', `${running}.mp4`))).toBe(false);
    for (let r = await reader.read(); !r.done; r = await reader.read());
  });
});
