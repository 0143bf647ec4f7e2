import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { measureStorage } from '../../../bench/storage.js';
import { buildServer, DEFAULT_SERVER_OPTIONS } from '../../../src/server/app.js';
import { texturedImage, writePng } from '../../helpers/images.js';

// Storage leaks: after 200 jobs with inline images the database stays small and holds no image
// bytes (the listing's speed is measured in bench/storage.ts, not asserted here).
describe('storage after many jobs', () => {
  it('keeps the database under 5 MB after 200 jobs with base64 inline images, with no image bytes in it', async () => {
    const f = await measureStorage(200);
    expect(f.succeeded).toBe(200);
    expect(f.listed).toBe(200);
    expect(f.imageBytesSent).toBeGreaterThan(5 * 1024 * 1024);
    expect(f.imageBytesInDatabase).toBe(false);
    expect(f.databaseBytes).toBeLessThan(5 * 1024 * 1024);
  }, 300_000);

  it('removes a cancelled walk’s checkpoints and input as soon as its run stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-cancel-'));
    const data = join(dir, 'data');
    const png = await readFile(await writePng(texturedImage(200, 150), join(dir, 'in.png')));
    const { app, queue } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir: data, engine: 'mirror', auth: { open: true, keys: [] }, minFreeBytes: 0 });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const res = await request(`${base}/api/v5/outpaint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: `data:image/png;base64,${png.toString('base64')}`, walk_type: ['backward', 'left', 'backward', 'up', 'backward', 'right'], width: 384, height: 384, num_interpolation_steps: 120, fps: 30 }) });
      const { id } = (await res.body.json()) as { id: string };
      const checkpoints = join(data, 'checkpoints', id);
      for (let i = 0; i < 500 && !(existsSync(checkpoints) && readdirSync(checkpoints).length > 0); i++) await new Promise((r) => setTimeout(r, 20));
      expect(readdirSync(checkpoints).length).toBeGreaterThan(0);
      expect(await queue.cancel(id)).toBe(true);
      for (let i = 0; i < 250 && existsSync(checkpoints); i++) await new Promise((r) => setTimeout(r, 20));
      expect(existsSync(checkpoints)).toBe(false);
      expect(readdirSync(join(data, 'inputs'))).toEqual([]);
      expect((await queue.get(id))?.request['image']).toMatch(/^\(inline image, \d+ characters\)$/);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
