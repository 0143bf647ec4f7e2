// Browser-test support: builds the studio page once per test process, starts a real server on
// 127.0.0.1 (mirror engine, temp data dir), and launches the system's Chromium through
// playwright-core. Nothing here downloads a browser: a missing one is a clear failure.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildServer, DEFAULT_SERVER_OPTIONS, type ServerOptions } from '../../src/server/app.js';
import type { JobQueue } from '../../src/server/jobs/types.js';

const root = join(import.meta.dirname, '..', '..');

/** The Chromium the tests drive: Debian's package, or ZOOMWALK_CHROMIUM. */
export const CHROMIUM = process.env['ZOOMWALK_CHROMIUM'] ?? '/usr/bin/chromium';

let built = false;
/** Builds dist/studio (once per process); the build writes by rename, so parallel test files never see half a file. */
export function buildStudioOnce(): void {
  if (built) return;
  execFileSync(process.execPath, [join(root, 'scripts', 'build-studio.mjs')], { stdio: 'pipe' });
  built = true;
}

/** Launches the system Chromium headless, or fails saying how to install it. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium fonts-liberation" or set ZOOMWALK_CHROMIUM; the tests never download a browser`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ['--disable-gpu', '--mute-audio'] });
}

/** A running studio server for one test file. */
export interface StudioServer {
  readonly base: string;
  readonly dataDir: string;
  readonly queue: JobQueue;
  close(): Promise<void>;
}

/** Starts buildServer on 127.0.0.1:0 with the mirror engine and a temp data dir (removed on close). */
export async function startStudioServer(options: Partial<ServerOptions> = {}): Promise<StudioServer> {
  buildStudioOnce();
  const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-studio-'));
  const dataDir = join(dir, 'data');
  const { app, queue } = buildServer({ ...DEFAULT_SERVER_OPTIONS, dataDir, engine: 'mirror', auth: { open: true, keys: [] }, ...options });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    base,
    dataDir,
    queue,
    close: async () => {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Collects what the page reports as errors (console errors, uncaught exceptions), except those `allow` matches. */
export function pageErrors(page: Page, allow: readonly RegExp[] = []): string[] {
  const errors: string[] = [];
  const add = (text: string): void => {
    if (!allow.some((r) => r.test(text))) errors.push(text);
  };
  page.on('console', (m) => {
    if (m.type() === 'error') add(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => add(`exception: ${e.message}`));
  return errors;
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<{ id: string; impact: string; help: string; targets: string[] }[]> {
  const source = await readFile(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  // evaluate runs outside the page's CSP (which rightly forbids inline scripts).
  await page.evaluate(source);
  type Violation = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] };
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: Violation[] };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}
