// The studio in a real browser (Debian's Chromium through playwright-core) against a real server
// on 127.0.0.1 with the mirror engine: load, accessibility, make and watch a walk, play and
// download it, a refused width, remembered settings, presets, pasted requests and keys.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../helpers/video.js';
import { launchBrowser, pageErrors, seriousAxeViolations, startStudioServer, type StudioServer } from '../support/browser.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'mountain-autumn.jpg');
const SCREENSHOT = join(import.meta.dirname, '..', '..', 'docs', 'images', 'studio.png');
// The 422 of the refused-width test is logged by Chromium as a failed resource load; it is the point of that test.
const EXPECTED_422 = /status of 422/;

let server: StudioServer;
let browser: Browser;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'zoomwalk-studio-test-'));
  [server, browser] = await Promise.all([startStudioServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** A fresh page (own storage) on the studio, loaded. */
async function open(viewport = { width: 1280, height: 900 }, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const errors = pageErrors(page, [EXPECTED_422]);
  await page.goto(`${server.base}/`);
  await page.waitForSelector('#estimate');
  await page.waitForFunction("!document.querySelector('.top .hint').textContent.includes('connecting')");
  return { page, errors };
}

async function directions(page: Page): Promise<string[]> {
  return page.locator('.steps select').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
}

describe('zoomwalk studio in Chromium', () => {
  it('loads with no console error and no serious accessibility violation, on a desktop and at 360 px in dark mode', async () => {
    const desktop = await open();
    await desktop.page.setInputFiles('#image-file', SAMPLE);
    await desktop.page.waitForSelector('#image-size:has-text("1280 × 852")');
    expect(await seriousAxeViolations(desktop.page)).toEqual([]);
    const phone = await open({ width: 360, height: 740 }, 'dark');
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    expect(await phone.page.evaluate('getComputedStyle(document.body).backgroundColor')).not.toBe('rgb(255, 255, 255)');
    expect(await seriousAxeViolations(phone.page)).toEqual([]);
    // Only the engines the server enabled are offered.
    expect(await desktop.page.$$eval('#engine option', (os) => os.map((o) => o.textContent))).toEqual(['server default (mirror)']);
    expect([...desktop.errors, ...phone.errors]).toEqual([]);
    await desktop.page.context().close();
    await phone.page.context().close();
  });

  it('makes a 3-step walk from an uploaded image, watches it to 100 %, plays it and downloads 1 + steps × interpolation frames', async () => {
    const { page, errors } = await open();
    await page.setInputFiles('#image-file', SAMPLE);
    await page.waitForSelector('#image-size:has-text("1280 × 852")');
    // Build the walk with the editor: one step left, then add two, then move one with the keyboard.
    while ((await page.$$('.steps li')).length > 1) await page.click('button[aria-label="Delete step 1"]');
    await page.selectOption('#step-0-direction', 'backward');
    await page.selectOption('#add-direction', 'left');
    await page.click('#add-steps');
    await page.selectOption('#add-direction', 'up');
    await page.click('#add-steps');
    await page.focus('#step-2-direction');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => directions(page)).toEqual(['backward', 'up', 'left']);
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('step-1-direction');
    for (const [id, value] of [['width', '256'], ['height', '192'], ['fps', '30'], ['num_interpolation_steps', '10'], ['width_translation_per_step', '24'], ['height_translation_per_step', '16'], ['seed', '7']]) {
      await page.fill(`#${id}`, value!);
    }
    await expect.poll(() => page.textContent('#estimate')).toMatch(/^31 frames · 1\.0 s at 30 fps · 3 keyframes/);

    await page.click('summary:has-text("Request JSON")');
    await page.click('#copy-json');
    const copied = await page.inputValue('#request-text');
    const [sent] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/api/v5/outpaint')), page.click('#render')]);
    expect(sent.postData()).toBe(copied);
    const body = JSON.parse(copied) as Record<string, unknown>;
    expect(body).toMatchObject({ walk_type: ['backward', 'up', 'left'], width: 256, height: 192, fps: 30, num_interpolation_steps: 10, seed: 7 });
    expect(String(body['image'])).toMatch(/^data:image\/jpeg;base64,/);
    expect(sent.headers()['x-key']).toBeUndefined();

    await page.waitForSelector('#job-percent:has-text("100 %")', { timeout: 30_000 });
    expect(await page.$eval('#job-progress', (p) => (p as unknown as { value: number }).value)).toBe(100);
    // The filmstrip: one thumbnail per keyframe (that they come while the job runs is studio-watch's test).
    await expect.poll(() => page.locator('.filmstrip img').count()).toBe(3);
    await page.waitForFunction("document.querySelector('#result-video')?.readyState >= 2", undefined, { timeout: 15_000 });
    const played = (await page.evaluate(`(async () => {
      const v = document.querySelector('#result-video');
      await v.play();
      return { duration: v.duration, paused: v.paused, readyState: v.readyState };
    })()`)) as { duration: number; paused: boolean; readyState: number };
    expect(played.readyState).toBeGreaterThanOrEqual(2);
    expect(played.paused).toBe(false);
    expect(Math.abs(played.duration - 31 / 30)).toBeLessThanOrEqual(1 / 30 + 1e-6);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    expect(await probe(file)).toMatchObject({ frames: 31, width: 256, height: 192 });

    // The picture in the README: the finished walk, paused on a frame from its middle.
    await page.evaluate(`(async () => {
      const v = document.querySelector('#result-video');
      v.pause();
      v.currentTime = 0.6;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      window.scrollTo(0, 0);
    })()`);
    await page.screenshot({ path: SCREENSHOT });

    // A reload re-attaches to the job and shows its result again.
    await page.reload();
    await page.waitForSelector('#job-percent:has-text("100 %")');
    await page.waitForSelector('#result-video');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the server\'s message for a width of 5000 next to the width field and queues nothing', async () => {
    const { page, errors } = await open();
    await page.setInputFiles('#image-file', SAMPLE);
    const before = (await server.queue.list(500)).length;
    await page.fill('#width', '5000');
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/v5/outpaint')), page.click('#render')]);
    expect(answer.status()).toBe(422);
    const message = await page.textContent('#width-error');
    expect(message).toBe('5000 is above the maximum 2048');
    // Next to the field: in the same field block, and the input points at it.
    expect(await page.$eval('#width-error', (e) => e.parentElement?.querySelector('#width') !== null)).toBe(true);
    expect(await page.getAttribute('#width', 'aria-describedby')).toContain('width-error');
    expect(await page.getAttribute('#width', 'aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('width');
    expect((await server.queue.list(500)).length).toBe(before);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('remembers settings across a reload, fills the form from a preset and from a pasted request', async () => {
    const { page, errors } = await open();
    await page.fill('#prompt', 'a quiet valley at dusk');
    await page.fill('#fps', '24');
    await page.click('button[aria-label="Duplicate step 1"]');
    const steps = await directions(page);
    await page.reload();
    await page.waitForSelector('#estimate');
    expect(await page.inputValue('#prompt')).toBe('a quiet valley at dusk');
    expect(await page.inputValue('#fps')).toBe('24');
    expect(await directions(page)).toEqual(steps);

    await page.selectOption('#preset', 'panorama');
    expect(await page.inputValue('#width')).toBe('1024');
    expect(await directions(page)).toEqual(Array(6).fill('right'));
    expect(await page.inputValue('#width_translation_per_step')).toBe('128');
    expect(await page.inputValue('#prompt')).toBe('a quiet valley at dusk');

    await page.click('summary:has-text("Request JSON")');
    await page.fill('#paste-request', JSON.stringify({ walk_type: ['back', 'left'], width: '320', height: 240, fps: 12, translation_factor: 0.05, prompt: ['sea', 'cliffs'] }));
    await page.click('button:has-text("Load request")');
    expect(await directions(page)).toEqual(['backward', 'left']);
    expect(await page.inputValue('#width')).toBe('320');
    expect(await page.inputValue('#fps')).toBe('12');
    expect(await page.inputValue('#translation_factor')).toBe('0.05');
    expect(await page.inputValue('#step-1-prompt')).toBe('cliffs');
    await page.click('#copy-curl');
    expect(await page.inputValue('#request-text')).toMatch(/^curl -s http:\/\/127\.0\.0\.1:\d+\/api\/v5\/outpaint -H 'content-type: application\/json' -d '\{"image":"","prompt":\["sea","cliffs"\]/);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('asks for a key once when the server needs one, keeps it for the session only, and sends it as x-key', async () => {
    const keyed = await startStudioServer({ auth: { open: false, keys: ['s3cret'] } });
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(`${keyed.base}/`);
      await page.waitForSelector('#api-key');
      await page.fill('#api-key', 's3cret');
      const [jobs] = await Promise.all([page.waitForRequest((r) => r.url().includes('/api/jobs?')), page.click('button:has-text("Use key")')]);
      expect(jobs.headers()['x-key']).toBe('s3cret');
      expect(jobs.url()).not.toContain('s3cret');
      await page.waitForSelector('.jobs >> text=No jobs yet.');
      expect(await page.evaluate("sessionStorage.getItem('zoomwalk.studio.key')")).toBe('s3cret');
      expect(await page.evaluate('JSON.stringify(localStorage)')).not.toContain('s3cret');
      await page.reload();
      await page.waitForSelector('.jobs >> text=No jobs yet.');
      expect(await page.$('#api-key')).toBeNull();
      await page.setInputFiles('#image-file', SAMPLE);
      await page.fill('#num_interpolation_steps', '2');
      const [sent] = await Promise.all([page.waitForRequest((r) => r.url().endsWith('/api/v5/outpaint')), page.click('#render')]);
      expect(sent.headers()['x-key']).toBe('s3cret');
      expect(sent.postData()).not.toContain('s3cret');
      await page.waitForSelector('#job-percent:has-text("100 %")', { timeout: 30_000 });
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await keyed.close();
    }
  });
});
