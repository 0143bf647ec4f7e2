// GET /api/jobs/:id/events in process (Fastify inject, no socket): the key rules of the job API
// (401 without a key when keys are configured, another tenant's job is a 404), the stream's
// headers, and a finished job's replay read from its journal file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal } from '../../../src/server/events/journal.js';
import type { JobQueue, JobRecord } from '../../../src/server/jobs/types.js';
import { eventsRoutes, failedField } from '../../../src/server/routes/events.js';
import { ownerOf } from '../../../src/server/tenancy.js';
import { SseParser } from '../../../src/studio/sse.js';

const KEYS = ['alice-key', 'bob-key'];
let dir: string;
let app: FastifyInstance;
const jobs = new Map<string, JobRecord>();
const record = (id: string, owner: string | null, patch: Partial<JobRecord> = {}): JobRecord => ({
  id, status: 'success', request: {}, outputs: [`${id}.mp4`], meta: {}, error: null, progress: null, generationTime: 1, createdAt: 0, updatedAt: 0, owner, ...patch,
});
const queue = { get: (id: string) => Promise.resolve(jobs.get(id) ?? null) } as unknown as JobQueue;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-events-'));
  jobs.set('a1', record('a1', ownerOf('alice-key')));
  jobs.set('a2', record('a2', ownerOf('alice-key'), { status: 'error', outputs: [], error: 'seed: 2 seeds given for 3 walk steps' }));
  const journal = openJournal(dir, 'a1');
  journal.progress({ frames: 0, framesTotal: 9, keyframes: 0, keyframesTotal: 2, etaSeconds: null });
  journal.keyframe({ index: 1, sample: 0, file: 'a1-k0-1.jpg', width: 64, height: 48 });
  journal.keyframe({ index: 2, sample: 0, file: 'a1-k0-2.jpg', width: 64, height: 48 });
  app = Fastify();
  await app.register(eventsRoutes, { queue, auth: { open: false, keys: KEYS }, checkpointsDir: dir, base: () => 'http://zw.test' });
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const events = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

describe('GET /api/jobs/:id/events', () => {
  it('needs a key when keys are configured: 401 without one or with a wrong one, and never takes it from the URL', async () => {
    for (const headers of [{}, { 'x-key': 'nope' }]) {
      const res = await events('/api/jobs/a1/events', headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ status: 'error', message: expect.stringMatching(/key/) as string });
    }
    expect((await events('/api/jobs/a1/events?key=alice-key')).statusCode).toBe(401);
  });

  it('answers 404 for another tenant\'s job as for an unknown one', async () => {
    expect((await events('/api/jobs/a1/events', { 'x-key': 'bob-key' })).statusCode).toBe(404);
    expect((await events('/api/jobs/nope/events', { 'x-key': 'alice-key' })).statusCode).toBe(404);
  });

  it('streams a finished job to its owner: retry, its keyframes with ids from the journal, then done, then ends', async () => {
    const res = await events('/api/jobs/a1/events', { authorization: 'Bearer alice-key' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.body.startsWith('retry: 1000\n\n')).toBe(true);
    const parsed = new SseParser().feed(res.body);
    expect(parsed.map((e) => `${e.id}:${e.event}`)).toEqual(['2:keyframe', '3:keyframe', '4:done']);
    expect(JSON.parse(parsed[0]!.data)).toEqual({ index: 1, sample: 0, url: 'http://zw.test/generations/a1-k0-1.jpg', width: 64, height: 48 });
    expect(JSON.parse(parsed[2]!.data)).toMatchObject({ status: 'success', id: 'a1', output: ['http://zw.test/generations/a1.mp4'] });
    const resumed = new SseParser().feed((await events('/api/jobs/a1/events', { 'x-key': 'alice-key', 'last-event-id': '2' })).body);
    expect(resumed.map((e) => `${e.id}:${e.event}`)).toEqual(['3:keyframe', '4:done']);
  });

  it('ends a failed job with error naming the request field at fault', async () => {
    const parsed = new SseParser().feed((await events('/api/jobs/a2/events', { 'x-key': 'alice-key' })).body);
    expect(parsed.map((e) => e.event)).toEqual(['error']);
    expect(JSON.parse(parsed[0]!.data)).toEqual({ status: 'error', id: 'a2', message: 'seed: 2 seeds given for 3 walk steps', field: 'seed' });
    expect(failedField('walk_type[2]: "x" is not one of left')).toBe('walk_type[2]');
    expect(failedField('classical: out of memory')).toBeNull();
  });
});
