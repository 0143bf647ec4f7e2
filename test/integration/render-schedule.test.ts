import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMirrorEngine } from '../../src/engines/mirror.js';
import { registerEngine } from '../../src/engines/registry.js';
import type { OutpaintTask } from '../../src/engines/types.js';
import { render } from '../../src/render/render.js';
import { texturedImage, writePng } from '../helpers/images.js';

let dir: string;
let image: string;
const seen: Pick<OutpaintTask, 'prompt' | 'negativePrompt' | 'seed'>[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-schedule-'));
  image = await writePng(texturedImage(96, 96), join(dir, 'in.png'));
  const mirror = createMirrorEngine();
  // Registered by name, as a user's adapter would be: render() creates it from the registry.
  registerEngine('schedule-recorder', () => ({
    name: 'schedule-recorder',
    outpaint: (t, s) => (seen.push({ prompt: t.prompt, negativePrompt: t.negativePrompt, seed: t.seed }), mirror.outpaint(t, s)),
  }));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('prompt schedules', () => {
  it('reach the engine step by step, with the documented seed per step', async () => {
    seen.length = 0;
    const body = {
      image,
      walk_type: ['backward', 'backward', 'left', 'backward', 'backward', 'up'],
      prompt: { '0': 'forest', '4': 'sea' },
      negative_prompt: { '0': 'people', '2': 'text' },
      width: 96,
      height: 96,
      translation_factor: 0.1,
      num_interpolation_steps: 2,
      seed: 100,
      as_video: 'no',
    };
    await render(body, { output: join(dir, 'out.png'), engine: 'schedule-recorder' });
    expect(seen.map((t) => t.prompt)).toEqual(['forest', 'forest', 'forest', 'forest', 'sea', 'sea']);
    expect(seen.map((t) => t.negativePrompt)).toEqual(['people', 'people', 'text', 'text', 'text', 'text']);
    // docs/request.md: step k of sample n uses (seed + n + 7919·k) mod 2³².
    expect(seen.map((t) => t.seed)).toEqual([0, 1, 2, 3, 4, 5].map((k) => 100 + 7919 * k));
  });
});
