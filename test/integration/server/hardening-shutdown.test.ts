// SIGTERM on a real `zoomwalk serve` with a render running, synchronous requests held open (multipart
// with several files, edit-outpaint, v5 image-only) and an upload that never finishes: the process
// exits within 5 s, the held requests get 503, and the interrupted walk resumes at the next start.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FormData, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { texturedImage, writePng } from '../../helpers/images.js';

const root = join(import.meta.dirname, '..', '..', '..');
const entry = join(root, 'test', 'helpers', 'cli.ts');
const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const KEY = 'shutdown-key';
const children: ChildProcess[] = [];

/** Starts `zoomwalk serve` as its own process (mirror engine, one key) and resolves with its base URL. */
function serve(data: string): Promise<{ child: ChildProcess; base: string; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', tsx, entry, 'serve', '--port', '0', '--data', data, '--engine', 'mirror'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ZOOMWALK_API_KEYS: KEY },
  });
  children.push(child);
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) resolve({ child, base: m[1]!, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

function form(fields: Record<string, string>, files: Record<string, Buffer>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const [k, v] of Object.entries(files)) f.append(k, new Blob([v], { type: 'image/png' }), `${k}.png`);
  return f;
}

/** A request answered with whatever came: status and JSON body, or the connection error. */
async function settle(p: Promise<{ statusCode: number; body: { json(): Promise<unknown> } }>): Promise<{ status: number; body: Record<string, unknown> } | { error: string }> {
  try {
    const res = await p;
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('zoomwalk serve: SIGTERM', () => {
  it('exits within 5 s with a render, held synchronous requests and a stalled upload open; held requests get 503; the walk resumes after restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-shutdown-'));
    const data = join(dir, 'data');
    const png = await readFile(await writePng(texturedImage(300, 300), join(dir, 'in.png')));
    const small = await readFile(await writePng(texturedImage(64, 48), join(dir, 'small.png')));
    const first = await serve(data);
    const json = { 'content-type': 'application/json' };

    // A long walk, rendering (concurrency 1: everything below waits behind it).
    const walk = await request(`${first.base}/api/v5/outpaint`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ key: KEY, image: `data:image/png;base64,${png.toString('base64')}`, walk_type: ['backward', 'left', 'backward', 'up', 'backward', 'right', 'backward', 'down'], width: 512, height: 512, num_interpolation_steps: 120, fps: 30, seed: 3 }),
    });
    expect(walk.statusCode).toBe(200);
    const { id } = (await walk.body.json()) as { id: string };
    const checkpoints = join(data, 'checkpoints', id);
    const finished = (): number => {
      try {
        return readdirSync(checkpoints).filter((f) => f.endsWith('.rgb')).length;
      } catch {
        return 0;
      }
    };
    for (let i = 0; i < 600 && finished() < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(finished()).toBeGreaterThanOrEqual(2);

    // Synchronous requests, held open for their jobs: Picsart multipart with an image and a mask,
    // edit-outpaint multipart, v5 image-only.
    const held = [
      settle(request(`${first.base}/v1/painting/expand`, { method: 'POST', headers: { 'x-picsart-api-key': KEY }, body: form({ prompt: 'x', mode: 'sync', count: '2' }, { image: small, mask: small }) })),
      settle(request(`${first.base}/api/edit/outpaint`, { method: 'POST', headers: { 'x-key': KEY }, body: form({ left: '16', right: '16' }, { image: small }) })),
      settle(request(`${first.base}/api/v5/outpaint`, { method: 'POST', headers: json, body: JSON.stringify({ key: KEY, image: `data:image/png;base64,${small.toString('base64')}`, walk_type: ['left'], width: 64, height: 64, as_video: 'no' }) })),
    ];
    // An upload that never finishes: headers and the first bytes of a multipart body, then nothing.
    const port = Number(new URL(first.base).port);
    const stalled = new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/api/edit/outpaint', method: 'POST', headers: { 'x-key': KEY, 'content-type': 'multipart/form-data; boundary=zz', 'content-length': '1000000' } });
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (e) => resolve(`closed: ${e.message}`));
      req.write('--zz\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n');
      req.write(small.subarray(0, 20));
    });
    // Every held job is stored before the signal (the jobs list shows walk + 3).
    for (let i = 0; i < 500; i++) {
      const list = (await request(`${first.base}/api/jobs?limit=10`, { headers: { 'x-key': KEY } }).then((r) => r.body.json())) as { jobs: unknown[] };
      if (list.jobs.length >= 4) break;
      await new Promise((r) => setTimeout(r, 20));
    }

    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const t = performance.now();
      first.child.once('exit', (code) => resolve({ code, ms: performance.now() - t }));
    });
    first.child.kill('SIGTERM');
    const { code, ms } = await exited;
    expect(ms, first.stderr()).toBeLessThan(5000);
    expect(code).toBe(0);
    for (const answer of await Promise.all(held)) {
      expect(answer).toMatchObject({ status: 503 });
      expect(JSON.stringify(answer)).toMatch(/shutting down/);
    }
    expect(await stalled).toMatch(/^(closed|answered 503)/);
    // Not a failure: the walk's record stays to be resumed.
    expect(finished()).toBeGreaterThanOrEqual(2);

    const second = await serve(data);
    let done: Record<string, unknown> = {};
    for (let i = 0; i < 1200; i++) {
      done = (await request(`${second.base}/api/v5/fetch/${id}`, { method: 'POST', headers: json, body: JSON.stringify({ key: KEY }) }).then((r) => r.body.json())) as Record<string, unknown>;
      if (done['status'] !== 'processing') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(done['status']).toBe('success');
    expect((done['meta'] as { resumed_from_keyframe: number }).resumed_from_keyframe).toBeGreaterThanOrEqual(2);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }, 120_000);
});
