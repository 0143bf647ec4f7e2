/**
 * Classical engine bench: milliseconds per outpaint step on a real photo, for a pan band and a
 * backward ring, at 512², 1080×1080 and 1080×1920; the method before issue 15 (`legacy: true`)
 * and the `mirror` fill measured in the same run. Median of BENCH_RUNS (default 3) runs.
 */
import { readFile } from 'node:fs/promises';
import { createClassicalEngine } from '../src/engines/classical/index.js';
import { createMirrorEngine } from '../src/engines/mirror.js';
import type { OutpaintEngine, OutpaintTask } from '../src/engines/types.js';
import { decodeFitted } from '../src/image/load.js';
import { samplePhoto } from './sample.js';

interface Case {
  readonly label: string;
  readonly w: number;
  readonly h: number;
  /** Known rectangle [x0, x1) × [y0, y1) on the size² canvas. */
  readonly known: readonly [number, number, number, number];
  readonly target: number;
}

const ring = (w: number, h: number, f: number): [number, number, number, number] => {
  const tx = Math.round(f * w), ty = Math.round(f * h);
  return [tx, w - tx, ty, h - ty];
};

const ALL: Case[] = [
  { label: '512² pan, 64 px band', w: 512, h: 512, known: [64, 512, 0, 512], target: 2000 },
  { label: '512² backward ring (translation_factor 0.1)', w: 512, h: 512, known: ring(512, 512, 0.1), target: 4000 },
  { label: '1080×1080 backward ring (0.08)', w: 1080, h: 1080, known: ring(1080, 1080, 0.08), target: 3000 },
  { label: '1080×1920 backward ring (0.08)', w: 1080, h: 1920, known: ring(1080, 1920, 0.08), target: 4000 },
  { label: '1080×1920 pan, 108 px band', w: 1080, h: 1920, known: [108, 1080, 0, 1920], target: 2000 },
];
/** BENCH_CASES=512 (or 1080) keeps the cases whose label starts so. */
const CASES = ALL.filter((c) => !process.env.BENCH_CASES || c.label.startsWith(process.env.BENCH_CASES));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

async function task(c: Case): Promise<OutpaintTask> {
  const truth = await decodeFitted(await readFile(samplePhoto()), c.w, c.h);
  const [x0, x1, y0, y1] = c.known;
  const mask = new Uint8Array(c.w * c.h);
  const data = truth.data.slice();
  for (let y = 0; y < c.h; y++) {
    for (let x = 0; x < c.w; x++) {
      if (x >= x0 && x < x1 && y >= y0 && y < y1) continue;
      mask[y * c.w + x] = 255;
      data.fill(0, (y * c.w + x) * 3, (y * c.w + x) * 3 + 3);
    }
  }
  return { image: { ...truth, data }, mask, prompt: '', negativePrompt: '', seed: 1, steps: 20, guidance: 7.5, overlap: Math.round(Math.min(c.w, c.h) / 16) };
}

function median(v: number[]): number {
  return [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
}

async function timeIt(engine: OutpaintEngine, t: OutpaintTask, runs: number, warm = true): Promise<number> {
  if (warm) await engine.outpaint(t); // warm-up: JIT, worker start
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await engine.outpaint({ ...t, seed: i + 2 });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

console.log(`\n## classical engine (median ms per step of ${RUNS}, num_inference_steps 20, 2 workers)\n`);
console.log('| case | classical | before issue 15 (legacy) | legacy / now | mirror | target |');
console.log('| --- | --- | --- | --- | --- | --- |');
const classical = createClassicalEngine();
const legacy = createClassicalEngine({ legacy: true });
const mirror = createMirrorEngine();
try {
  for (const c of CASES) {
    const t = await task(c);
    // Alternate the two methods' runs so a change in the machine's load hits both alike.
    const now: number[] = [];
    const old: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      now.push(await timeIt(classical, t, 1, i === 0 && c === CASES[0]));
      old.push(await timeIt(legacy, t, 1, i === 0 && c === CASES[0]));
    }
    const ms = median(now);
    const before = median(old);
    const base = await timeIt(mirror, t, 1, true);
    const target = Number.isNaN(c.target) ? '—' : `≤ ${c.target} ${ms <= c.target ? '(met)' : '(missed)'}`;
    console.log(`| ${c.label} | ${ms.toFixed(0)} | ${before.toFixed(0)} | ${(before / ms).toFixed(2)}× | ${base.toFixed(0)} | ${target} |`);
  }
} finally {
  await classical.close?.();
  await legacy.close?.();
}
