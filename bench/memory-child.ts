// One render of samples/requests/vertical-story.json (the vertical-9x16 preset) with the engine
// named in argv[2]; prints this process's peak RSS in KB on stdout.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from '../src/render/render.js';

const root = join(import.meta.dirname, '..');
const body = JSON.parse(await readFile(join(root, 'samples/requests/vertical-story.json'), 'utf8')) as { image: string };
const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-memory-'));
try {
  await render({ ...body, image: join(root, body.image) }, { output: join(dir, 'v.mp4'), engine: process.argv[2] ?? 'classical' });
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(`${process.resourceUsage().maxRSS}\n`);
