// One render of N steps × 60 frames; prints the process's peak RSS in KB on stdout.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from '../src/render/render.js';
import { samplePhoto } from './sample.js';

const steps = Number(process.argv[2] ?? 10);
const kinds = ['backward', 'left', 'up', 'right', 'down'];
const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-rss-'));
await render(
  { image: samplePhoto(), width: 512, height: 512, walk_type: Array.from({ length: steps }, (_, i) => kinds[i % kinds.length]), translation_factor: 0.1, num_interpolation_steps: 60, fps: 30, seed: 1 },
  { output: join(dir, 'rss.mp4'), engine: 'mirror', encode: { preset: 'ultrafast', crf: 23 } },
);
await rm(dir, { recursive: true, force: true });
process.stdout.write(`${process.resourceUsage().maxRSS}\n`);
