/**
 * Classical engine bench: milliseconds per outpaint step on a real photo, for a pan band and a
 * backward ring, at 512² and 1024²; against the `mirror` fill measured in the same run, and the
 * classical engine on one thread (to show what the workers buy).
 */
import { readFile } from 'node:fs/promises';
import { createClassicalEngine } from '../src/engines/classical/index.js';
import { createMirrorEngine } from '../src/engines/mirror.js';
import type { OutpaintEngine, OutpaintTask } from '../src/engines/types.js';
import { decodeFitted } from '../src/image/load.js';
import { samplePhoto } from './sample.js';

interface Case {
  readonly label: string;
  readonly size: number;
  /** Known rectangle [x0, x1) × [y0, y1) on the size² canvas. */
  readonly known: readonly [number, number, number, number];
  readonly target: number;
}

const ring = (size: number): [number, number, number, number] => {
  const t = Math.round(0.1 * size);
  return [t, size - t, t, size - t];
};

const CASES: Case[] = [
  { label: '512² pan, 64 px band', size: 512, known: [64, 512, 0, 512], target: 2000 },
  { label: '512² backward ring (translation_factor 0.1)', size: 512, known: ring(512), target: 4000 },
  { label: '1024² pan, 128 px band', size: 1024, known: [128, 1024, 0, 1024], target: Number.NaN },
  { label: '1024² backward ring (translation_factor 0.1)', size: 1024, known: ring(1024), target: Number.NaN },
];

async function task(c: Case): Promise<OutpaintTask> {
  const truth = await decodeFitted(await readFile(samplePhoto()), c.size, c.size);
  const [x0, x1, y0, y1] = c.known;
  const mask = new Uint8Array(c.size * c.size);
  const data = truth.data.slice();
  for (let y = 0; y < c.size; y++) {
    for (let x = 0; x < c.size; x++) {
      if (x >= x0 && x < x1 && y >= y0 && y < y1) continue;
      mask[y * c.size + x] = 255;
      data.fill(0, (y * c.size + x) * 3, (y * c.size + x) * 3 + 3);
    }
  }
  return { image: { ...truth, data }, mask, prompt: '', negativePrompt: '', seed: 1, steps: 20, guidance: 7.5, overlap: Math.round(c.size / 16) };
}

async function timeIt(engine: OutpaintEngine, t: OutpaintTask, runs: number): Promise<number> {
  await engine.outpaint(t); // warm-up: JIT, worker start
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await engine.outpaint({ ...t, seed: i + 2 });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

console.log('\n## classical engine (median ms per step, num_inference_steps 20)\n');
console.log('| case | classical, 2 workers | classical, 1 thread | mirror (baseline) | classical / mirror | target |');
console.log('| --- | --- | --- | --- | --- | --- |');
const classical = createClassicalEngine();
const single = createClassicalEngine({ threads: 0 });
const mirror = createMirrorEngine();
try {
  for (const c of CASES) {
    const t = await task(c);
    const runs = c.size > 512 ? 1 : 3;
    const ms = await timeIt(classical, t, runs);
    const one = await timeIt(single, t, runs);
    const base = await timeIt(mirror, t, runs);
    const target = Number.isNaN(c.target) ? '—' : `≤ ${c.target} ${ms <= c.target ? '(met)' : '(missed)'}`;
    console.log(`| ${c.label} | ${ms.toFixed(0)} | ${one.toFixed(0)} | ${base.toFixed(0)} | ${(ms / base).toFixed(0)}× | ${target} |`);
  }
} finally {
  await classical.close?.();
}
