// The built page: small enough (≤ 60 KB of JS gzipped) and self-contained (nothing loaded from
// another host), served at / by a server with the studio routes.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudioServer, type StudioServer } from '../support/browser.js';

const dist = join(import.meta.dirname, '..', '..', 'dist', 'studio');
let server: StudioServer;

beforeAll(async () => {
  server = await startStudioServer({ engines: ['classical'] });
});
afterAll(async () => server?.close());

describe('studio build', () => {
  it('ships at most 60 KB of JavaScript gzipped', async () => {
    const js = await readFile(join(dist, 'app.js'));
    expect(gzipSync(js, { level: 9 }).length).toBeLessThanOrEqual(60 * 1024);
  });

  it('loads nothing from another host: no external script, style, font or image URL in the built files', async () => {
    for (const name of await readdir(dist)) {
      const text = await readFile(join(dist, name), 'utf8');
      expect(text, name).not.toMatch(/<script[^>]+src=["']?https?:|<link[^>]+href=["']?https?:|@import\s+url\(|url\(["']?https?:|fonts\.googleapis|cdn\./i);
    }
  });

  it('serves the page, its assets with a same-origin CSP, the config and the presets', async () => {
    const page = await fetch(`${server.base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'; /);
    expect(await page.text()).toContain('/studio/app.js');
    expect((await fetch(`${server.base}/studio/app.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${server.base}/studio/..%2Fpackage.json`)).status).toBe(404);
    expect(await (await fetch(`${server.base}/api/studio/config`)).json()).toEqual({
      engines: ['mirror', 'classical'],
      default_engine: 'mirror',
      key_required: false,
      features: { events: true, redo: true, step_seeds: true, delete: true },
    });
    const presets = (await (await fetch(`${server.base}/api/studio/presets`)).json()) as { presets: { name: string }[] };
    expect(presets.presets.map((p) => p.name)).toContain('panorama');
  });
});
