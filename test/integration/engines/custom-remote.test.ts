import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
// README.md imports these from 'zoomwalk'; src/index.ts re-exports them.
import { RemoteClient } from '../../../src/engines/remote/client.js';
import { createEngine, registerEngine } from '../../../src/engines/registry.js';
import type { OutpaintEngine, OutpaintTask } from '../../../src/engines/types.js';
import { fakeServer, type FakeServer } from '../../helpers/fake-server.js';
import { boxTask, expectKnownKept, pixel } from '../../helpers/remote-fakes.js';

// The engine of README.md's "Engines" section, verbatim between the markers (a test below keeps
// the two equal), so the example typechecks and runs.
// README:begin
/** A service that takes { image, mask } as base64 PNGs (mask white = generate) and answers a PNG. */
function createMyEngine(url: string, key: string): OutpaintEngine {
  const client = new RemoteClient({ engine: 'my-service', baseUrl: url, secrets: [key] });
  const png = (data: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Buffer> => sharp(data, { raw: { width, height, channels } }).png().toBuffer();
  return {
    name: 'my-service',
    async outpaint(task: OutpaintTask, signal?: AbortSignal) {
      const { width, height } = task.image;
      const body = {
        image: (await png(task.image.data, width, height, 3)).toString('base64'),
        mask: (await png(task.mask, width, height, 1)).toString('base64'),
        prompt: task.prompt,
        seed: task.seed,
      };
      // Timeouts, retries (429, 5xx, dropped connections) and the key's redaction come with the client.
      const res = await client.call('v1/outpaint', { method: 'POST', body, headers: { authorization: `Bearer ${key}` }, ...(signal ? { signal } : {}) });
      const { data } = await sharp(res.bytes).removeAlpha().resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
      return { width, height, channels: 3, data: new Uint8Array(data) };
    },
    close: () => client.close(),
  };
}

registerEngine('my-service', (o) => createMyEngine(o.url ?? 'http://127.0.0.1:9000', o.key ?? process.env['MY_SERVICE_KEY'] ?? ''));
// README:end

const FILL = [10, 200, 30];
let fake: FakeServer | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

/** A fake service: paints every masked pixel FILL, keeps the rest, after checking the key. */
async function fakeService(): Promise<FakeServer> {
  return fakeServer(async (r, res) => {
    if (r.method !== 'POST' || r.path !== '/v1/outpaint') return void res.writeHead(404).end();
    if (r.headers.authorization !== 'Bearer k-123456') return void res.writeHead(401).end();
    const img = await sharp(Buffer.from(String(r.json?.['image']), 'base64')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const mask = await sharp(Buffer.from(String(r.json?.['mask']), 'base64')).raw().toBuffer({ resolveWithObject: true });
    const out = Buffer.from(img.data);
    for (let p = 0; p < img.info.width * img.info.height; p++) if (mask.data[p * mask.info.channels]! > 127) out.set(FILL, p * 3);
    const body = await sharp(out, { raw: { width: img.info.width, height: img.info.height, channels: 3 } }).png().toBuffer();
    res.writeHead(200, { 'content-type': 'image/png' }).end(body);
  });
}

describe('a user-written remote engine on RemoteClient (README example)', () => {
  it('is registered, reaches the service with its key and returns the service’s pixels', async () => {
    fake = await fakeService();
    const engine = await createEngine('my-service', { url: fake.url, key: 'k-123456' });
    try {
      const task: OutpaintTask = boxTask(64, 48, { x: 16, y: 0, width: 48, height: 48 });
      const out = await engine.outpaint(task);
      expectKnownKept(task, out);
      expect(pixel(out, 0, 0)).toEqual(FILL);
      expect(pixel(out, 15, 47)).toEqual(FILL);
      expect(pixel(out, 16, 0)).toEqual(pixel(task.image, 16, 0));
      expect(fake.received).toHaveLength(1);
      expect(fake.received[0]!.json).toMatchObject({ prompt: 'a lake', seed: 7 });
    } finally {
      await engine.close?.();
    }
  });

  it('is the code README.md shows', () => {
    const here = readFileSync(new URL(import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const code = here.slice(here.indexOf('// README:begin\n') + 16, here.indexOf('// README:end'));
    expect(readme).toContain(code);
  });
});
