// Watching in a real browser: cancel and reload against a real server whose engine is slowed
// down, and the client side of the SSE and redo contract (docs/studio.md) against stubs the
// page cannot tell from the server side that is still to come.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMirrorEngine } from '../../src/engines/mirror.js';
import type { OutpaintEngine } from '../../src/engines/types.js';
import { launchBrowser, pageErrors, startStudioServer, type StudioServer } from '../support/browser.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'mountain-autumn.jpg');

/** Keyframes the engine has outpainted (a keyframe taken from a checkpoint is not counted). */
let engineCalls = 0;

/** The mirror engine, 400 ms a keyframe: long enough to act while a job runs. */
function slowMirror(): OutpaintEngine {
  const mirror = createMirrorEngine();
  return {
    name: 'mirror',
    outpaint: async (task, signal) => {
      engineCalls++;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, 400);
        signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason as Error); }, { once: true });
      });
      return mirror.outpaint(task, signal);
    },
  };
}

let server: StudioServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startStudioServer({ engine: slowMirror(), engines: ['mirror'] }), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page (own storage), its console watched. */
async function ready(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { page, errors: pageErrors(page) };
}

/** Puts the sample image and a small walk of `steps` left steps in the form, through the paste box. */
async function fill(page: Page, steps: number): Promise<void> {
  await page.waitForSelector('#estimate');
  await page.setInputFiles('#image-file', SAMPLE);
  await page.$eval('.request-tools', (d) => ((d as unknown as { open: boolean }).open = true));
  await page.fill('#paste-request', JSON.stringify({ walk_type: Array(steps).fill('left'), width: 128, height: 96, num_interpolation_steps: 4, fps: 12, width_translation_per_step: 16, height_translation_per_step: 16 }));
  await page.click('button:has-text("Load request")');
}

describe('studio: watching a job', () => {
  it('cancels a running job, and re-attaches to a running job after a reload until it is done', async () => {
    const { page, errors } = await ready();
    await page.goto(`${server.base}/`);
    await fill(page, 6);
    await page.click('#render');
    await page.waitForSelector('#job-status:has-text("Rendering")');
    await page.click('#cancel-job');
    await page.waitForSelector('#job-status:has-text("Cancelled")', { timeout: 15_000 });
    const cancelled = (await server.queue.list(1))[0]!;
    expect(cancelled.status).toBe('cancelled');

    await fill(page, 4);
    await page.click('#render');
    await page.waitForSelector('#job-status:has-text("Rendering")');
    const running = (await server.queue.list(1))[0]!;
    expect(running.id).not.toBe(cancelled.id);
    await page.reload();
    await page.waitForSelector(`#watch-title:has-text("${running.id.slice(0, 8)}")`);
    expect(await page.textContent('#job-status')).toMatch(/Queued|Rendering/);
    await page.waitForSelector('#job-percent:has-text("100 %")', { timeout: 30_000 });
    await page.waitForSelector('#result-video');
    expect((await server.queue.get(running.id))!.status).toBe('success');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows keyframe thumbnails while the job runs, reaches 100 %, redoes from step 2 re-rendering only steps 2 … 5, and deletes a job', async () => {
    const { page, errors } = await ready();
    await page.goto(`${server.base}/`);
    await fill(page, 5);
    await page.click('#render');
    // Three thumbnails while the job is still running (two keyframes of 400 ms each are still to come).
    await page.waitForSelector('.filmstrip li:nth-child(3) img');
    expect(await page.$('#result-video')).toBeNull();
    expect(await page.textContent('#job-status')).toMatch(/^Rendering: keyframe [3-5] \/ 5/);
    const first = (await server.queue.list(1))[0]!;
    expect(first.status).toBe('processing');
    const src = await page.getAttribute('.filmstrip li:first-child img', 'src');
    expect(src).toBe(`${server.base}/generations/${first.id}-k0-1.jpg`);
    expect(await page.$eval('.filmstrip li:first-child img', (i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await page.waitForSelector('#job-percent:has-text("100 %")', { timeout: 30_000 });
    await page.waitForSelector('#result-video');
    expect(await page.locator('.filmstrip img').count()).toBe(5);

    // Redo from step 2 of 5: keyframe 1 comes from the first job's checkpoint, so the engine runs
    // for steps 2, 3, 4 and 5 only: steps − 1 = 4 times.
    engineCalls = 0;
    await page.click('button[aria-label="Keyframe 2: redo from here"]');
    await page.fill('#redo-seed', '42');
    await page.click('button:has-text("Redo from step 2")');
    await page.waitForSelector('.notice:has-text("Redoing from step 2.")');
    const redo = (await server.queue.list(1))[0]!;
    expect(redo.id).not.toBe(first.id);
    await page.waitForSelector(`#watch-title:has-text("${redo.id.slice(0, 8)}")`);
    await page.waitForSelector('#job-percent:has-text("100 %")', { timeout: 30_000 });
    await page.waitForSelector('#result-video');
    const done = (await server.queue.get(redo.id))!;
    expect(done.status).toBe('success');
    expect(engineCalls).toBe(4);
    expect(done.meta).toMatchObject({ resumed_from_keyframe: 1 });
    expect((done.meta!['seed'] as number[])[1]).toBe(42);

    // Delete the first job from the jobs panel: its record and files go.
    const short = first.id.slice(0, 8);
    await page.click('button:has-text("Refresh")').catch(() => undefined);
    await page.click(`button[aria-label="Delete job ${short} and its files"]`);
    await page.waitForSelector('.notice:has-text("Job deleted.")');
    expect(await server.queue.get(first.id)).toBeNull();
    expect(readdirSync(join(server.dataDir, 'generations')).filter((f) => f.startsWith(first.id))).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('reads the SSE stream: keyframes appear before done, a dropped stream resumes with Last-Event-ID, a keyframe offers redo', async () => {
    const { page, errors } = await ready();
    const thumb = await readFile(SAMPLE);
    const seen: { lastEventId: string | undefined; key: string | undefined }[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const redoBodies: unknown[] = [];
    const sse = (lines: string[]) => ({ status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }, body: `${lines.join('\n')}\n\n` });
    const event = (id: number, name: string, data: unknown) => `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n`;
    const progress = (keyframes: number, frames: number) => ({ status: 'processing', progress: { frames, framesTotal: 13, keyframes, keyframesTotal: 3, etaSeconds: 1 } });

    await page.route('**/api/studio/config', (route) => route.fulfill({ json: { engines: ['mirror'], default_engine: 'mirror', key_required: false, features: { events: true, redo: true, step_seeds: true, delete: true } } }));
    await page.route('**/thumbs/*', (route) => route.fulfill({ body: thumb, contentType: 'image/jpeg' }));
    await page.route('**/api/jobs/*/redo', async (route: Route) => {
      redoBodies.push(route.request().postDataJSON());
      const id = route.request().url().split('/').at(-2)!;
      await route.fulfill({ json: { status: 'processing', id, resumed_from_step: 2 } });
    });
    await page.route('**/api/jobs/*/events', async (route: Route) => {
      const id = route.request().url().split('/').at(-2)!;
      const headers = route.request().headers();
      seen.push({ lastEventId: headers['last-event-id'], key: headers['x-key'] });
      if (seen.length === 1) {
        // The first connection drops after three keyframes, before the job ends.
        return route.fulfill(sse(['retry: 50', '', event(1, 'progress', progress(0, 0)), event(2, 'keyframe', { index: 1, sample: 0, url: '/thumbs/1.jpg' }), event(3, 'keyframe', { index: 2, sample: 0, url: '/thumbs/2.jpg' }), event(4, 'keyframe', { index: 3, sample: 0, url: '/thumbs/3.jpg' }), event(5, 'progress', progress(3, 6))]));
      }
      if (seen.length === 2) await gate;
      await server.queue.waitFor(id, 30_000);
      return route.fulfill(sse([event(6, 'done', { status: 'success', id, output: [`${server.base}/generations/${id}.mp4`], meta: {} })]));
    });

    await page.goto(`${server.base}/`);
    await fill(page, 3);
    await page.fill('#step-1-seed', '5');
    const [sent] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/api/v5/outpaint')), page.click('#render')]);
    expect(sent.postDataJSON()).toMatchObject({ seed: [null, 5, null] });

    // Three thumbnails while the job is still running: the stream has not said done.
    await expect.poll(() => page.locator('.filmstrip img').count()).toBe(3);
    expect(await page.textContent('#job-status')).toMatch(/^Rendering: keyframe 3 \/ 3, frame 6 \/ 13/);
    expect(await page.$('#result-video')).toBeNull();
    release();
    await page.waitForSelector('#job-percent:has-text("100 %")', { timeout: 30_000 });
    await page.waitForSelector('#result-video');
    expect(seen[0]).toEqual({ lastEventId: undefined, key: undefined });
    expect(seen[1]!.lastEventId).toBe('5');

    await page.click('button[aria-label="Keyframe 2: redo from here"]');
    await page.fill('#redo-seed', '42');
    await page.fill('#redo-prompt', 'a red barn');
    await page.click('button:has-text("Redo from step 2")');
    await page.waitForSelector('.notice:has-text("Redoing from step 2.")');
    expect(redoBodies).toEqual([{ from_step: 2, seed: 42, prompt: 'a red barn' }]);
    await page.waitForSelector('#job-percent:has-text("100 %")');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
