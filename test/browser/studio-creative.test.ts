// The studio's creative controls in Chromium against a real server (mirror engine): easing, holds,
// fades and a watermark file on a 3-step backward walk, then a seamless loop; the downloaded
// videos have the planner's frame count for the body the page sent, and a 422 on a creative field
// (a loop on a walk with a left step, loaded from pasted JSON) is shown next to that field.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateWalkRequest } from '../../src/request/validate.js';
import { planWalk } from '../../src/walk/plan.js';
import { probe } from '../helpers/video.js';
import { launchBrowser, pageErrors, seriousAxeViolations, startStudioServer, type StudioServer } from '../support/browser.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'mountain-autumn.jpg');
// The 422 of the refused loop is logged by Chromium as a failed resource load; it is the point of that test.
const EXPECTED_422 = /status of 422/;

let server: StudioServer;
let browser: Browser;
let tmp: string;
let logo: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'zoomwalk-studio-creative-'));
  logo = join(tmp, 'logo.png');
  // A half-transparent red square: a PNG with alpha, as a watermark is.
  await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png().toFile(logo);
  [server, browser] = await Promise.all([startStudioServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function open(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = pageErrors(page, [EXPECTED_422]);
  await page.goto(`${server.base}/`);
  await page.waitForSelector('#estimate');
  await page.waitForFunction("!document.querySelector('.top .hint').textContent.includes('connecting')");
  return { page, errors };
}

/** The copied request JSON, the body sent with it (they must be the same text), and the downloaded video's frame count. */
async function renderAndDownload(page: Page): Promise<{ body: Record<string, unknown>; frames: number }> {
  await page.click('#copy-json');
  const copied = await page.inputValue('#request-text');
  const [sent, answer] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/v5/outpaint')),
    page.waitForResponse((r) => r.url().endsWith('/api/v5/outpaint')),
    page.click('#render'),
  ]);
  expect(sent.postData()).toBe(copied);
  expect(answer.status()).toBe(200);
  const { id } = (await answer.json()) as { id: string };
  await page.waitForSelector(`#download[href*="${id}"]`, { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const file = join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  return { body: JSON.parse(copied) as Record<string, unknown>, frames: (await probe(file)).frames };
}

/** The planner's frame count for a body, as the server plans it. */
const plannedFrames = (body: Record<string, unknown>): number => planWalk(validateWalkRequest(body)).totalFrames;

describe('studio creative controls in Chromium', () => {
  it('renders easing, holds, fades and a watermark on a 3-step backward walk, then a loop, each with the planner\'s frame count', async () => {
    const { page, errors } = await open();
    await page.setInputFiles('#image-file', SAMPLE);
    await page.waitForSelector('#image-size:has-text("1280 × 852")');
    while ((await page.$$('.steps li')).length > 1) await page.click('button[aria-label="Delete step 1"]');
    await page.selectOption('#step-0-direction', 'backward');
    await page.selectOption('#add-direction', 'backward');
    await page.fill('#add-count', '2');
    await page.click('#add-steps');
    for (const [id, value] of [['width', '192'], ['height', '128'], ['fps', '24'], ['num_interpolation_steps', '8'], ['width_translation_per_step', '24'], ['height_translation_per_step', '16'], ['seed', '3']]) {
      await page.fill(`#${id}`, value!);
    }
    await page.selectOption('#easing', 'ease-in-out');
    for (const [id, value] of [['hold_start_s', '0.25'], ['hold_end_s', '0.5'], ['fade_in_s', '0.2'], ['fade_out_s', '0.3']]) await page.fill(`#${id}`, value!);
    await page.setInputFiles('#watermark-file', logo);
    await page.waitForSelector('#watermark-hint:has-text("using logo.png")');
    await page.fill('#watermark_opacity', '0.5');
    // The loop box says why it is off: an eased walk with holds cannot loop.
    expect(await page.isDisabled('#loop')).toBe(true);
    expect(await page.textContent('#loop-hint')).toBe('a loop needs linear easing');
    // 1 + 3 × 8 walk frames, round(0.25 × 24) + round(0.5 × 24) held.
    await expect.poll(() => page.textContent('#estimate')).toMatch(/^43 frames · 1\.8 s at 24 fps · 3 keyframes · 192 × 128 px/);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.click('summary:has-text("Request JSON")');
    const eased = await renderAndDownload(page);
    expect(eased.body).toMatchObject({ walk_type: ['backward', 'backward', 'backward'], easing: 'ease-in-out', hold_start_s: 0.25, hold_end_s: 0.5, fade_in_s: 0.2, fade_out_s: 0.3, watermark_opacity: 0.5, watermark_position: 'bottom-right' });
    expect(String(eased.body['watermark'])).toMatch(/^data:image\/png;base64,/);
    expect(plannedFrames(eased.body)).toBe(43);
    expect(eased.frames).toBe(plannedFrames(eased.body));

    // Back to a plain linear walk: the loop box opens; the loop drops the frame that would repeat frame 0.
    await page.selectOption('#easing', 'linear');
    for (const id of ['hold_start_s', 'hold_end_s', 'fade_in_s', 'fade_out_s']) await page.fill(`#${id}`, '0');
    await page.click('#watermark-remove');
    expect(await page.isDisabled('#loop')).toBe(false);
    await page.check('#loop');
    await expect.poll(() => page.textContent('#estimate')).toMatch(/^24 frames · 1\.0 s at 24 fps/);
    const looped = await renderAndDownload(page);
    expect(looped.body).toMatchObject({ loop: true, num_interpolation_steps: 8 });
    expect(looped.body).not.toHaveProperty('easing');
    expect(looped.body).not.toHaveProperty('watermark');
    expect(plannedFrames(looped.body)).toBe(24);
    expect(looped.frames).toBe(plannedFrames(looped.body));
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows the server\'s 422 on loop next to the loop box when pasted JSON asks a walk with a left step to loop, and queues nothing', async () => {
    const { page, errors } = await open();
    await page.setInputFiles('#image-file', SAMPLE);
    await page.click('summary:has-text("Request JSON")');
    await page.fill('#paste-request', JSON.stringify({ walk_type: ['backward', 'left', 'backward'], loop: true, width: 128, height: 96, num_interpolation_steps: 4, fps: 12 }));
    await page.click('button:has-text("Load request")');
    // Loaded as sent: the box is checked, and stays enabled (so it can be switched off) with the reason shown.
    expect(await page.isChecked('#loop')).toBe(true);
    expect(await page.isDisabled('#loop')).toBe(false);
    expect(await page.textContent('#loop-hint')).toBe('a loop needs backward steps only; step 2 is left');
    const before = (await server.queue.list(500)).length;
    const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/v5/outpaint')), page.click('#render')]);
    expect(answer.status()).toBe(422);
    expect(await page.textContent('#loop-error')).toBe('a seamless loop needs a walk of backward steps only; walk_type[1] is "left"');
    expect(await page.$eval('#loop-error', (e) => e.parentElement?.querySelector('#loop') !== null)).toBe(true);
    expect(await page.getAttribute('#loop', 'aria-describedby')).toContain('loop-error');
    expect(await page.getAttribute('#loop', 'aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('loop');
    expect((await server.queue.list(500)).length).toBe(before);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
