import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { texturedImage, writePng } from '../../helpers/images.js';
import { probe } from '../../helpers/video.js';

const entry = join(import.meta.dirname, '..', '..', 'helpers', 'cli.ts');
const tsx = pathToFileURL(join(import.meta.dirname, '..', '..', '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const children: ChildProcess[] = [];

/** Starts `zoomwalk serve` as its own process and resolves with its base URL. */
function serve(data: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', tsx, entry, 'serve', '--no-auth', '--port', '0', '--data', data, '--engine', 'mirror'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) resolve({ child, base: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('zoomwalk serve: crash and restart', () => {
  it('resumes a job killed mid-render from its last finished keyframe', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-restart-'));
    const data = join(dir, 'data');
    const png = await readFile(await writePng(texturedImage(300, 300), join(dir, 'in.png')));
    const first = await serve(data);
    const res = await request(`${first.base}/api/v5/outpaint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: `data:image/png;base64,${png.toString('base64')}`, walk_type: ['backward', 'left', 'backward', 'up', 'backward', 'right', 'backward', 'down'], width: 512, height: 512, num_interpolation_steps: 120, fps: 30, seed: 3 }),
    });
    const { id } = (await res.body.json()) as { id: string };
    const checkpoints = join(data, 'checkpoints', id);
    const finished = (): number => {
      try {
        return readdirSync(checkpoints).filter((f) => f.endsWith('.rgb')).length;
      } catch {
        return 0;
      }
    };
    for (let i = 0; i < 600 && finished() < 3; i++) await new Promise((r) => setTimeout(r, 20));
    expect(finished()).toBeGreaterThanOrEqual(3);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await serve(data);
    let done: Record<string, unknown> = {};
    for (let i = 0; i < 1200; i++) {
      done = (await request(`${second.base}/api/v5/fetch/${id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.body.json())) as Record<string, unknown>;
      if (done['status'] !== 'processing') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(done['status']).toBe('success');
    expect((done['meta'] as { resumed_from_keyframe: number }).resumed_from_keyframe).toBeGreaterThanOrEqual(3);
    const video = join(data, 'generations', `${id}.mp4`);
    expect((await probe(video)).frames).toBe(1 + 8 * 120);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    await rm(dir, { recursive: true, force: true });
  }, 120_000);
});
