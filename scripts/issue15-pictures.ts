/**
 * The `vertical-9x16` walk (presets/vertical-9x16.json) on two sample photos, rendered through the
 * public render API with the classical engine as it was before issue 15 (`legacy: true`) and as it
 * is now; writes the walk's last frame of each, 540 px wide, to docs/images/ for
 * docs/classical-engine.md. Run: `npx tsx scripts/issue15-pictures.ts` (about 10–20 min on 2 cores).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createClassicalEngine, render } from '../src/index.js';

const root = join(import.meta.dirname, '..');
const photos = ['forest-path', 'forest-stream'];
const methods = [
  { name: 'before', legacy: true },
  { name: 'after', legacy: false },
] as const;

const tmp = await mkdtemp(join(tmpdir(), 'issue15-'));
try {
  for (const photo of photos) {
    for (const m of methods) {
      const engine = createClassicalEngine({ legacy: m.legacy });
      const still = join(tmp, `${photo}-${m.name}.png`);
      const t0 = performance.now();
      try {
        // output_format png: the renderer writes the walk's last frame (its last keyframe, whole) as a still.
        await render({ preset: 'vertical-9x16', image: join(root, 'samples', `${photo}.jpg`), seed: 7, output_format: 'png' }, { output: still, engine });
      } finally {
        await engine.close?.();
      }
      const out = join(root, 'docs', 'images', `issue15-${photo}-${m.name}.png`);
      // 540×960, 128-colour palette PNG at full compression: under 300 KB each (192 colours at the
      // default level made 419 KB of forest).
      await sharp(still).resize(540).png({ palette: true, colours: 128, effort: 10, compressionLevel: 9 }).toFile(out);
      console.log(`${out}: ${((await stat(out)).size / 1024).toFixed(0)} KB, render ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
