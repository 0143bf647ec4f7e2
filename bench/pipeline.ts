/**
 * Pipeline bench: frames per second of the whole render (synthesis + encoding, `mirror`
 * engine) against ffmpeg alone encoding the same frames at the same settings, measured
 * in the same run; and peak RSS of a short and a 10× longer render.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { render } from '../src/render/render.js';
import { DEFAULT_ENCODE, outputArgs } from '../src/video/containers.js';
import { ffmpegPath } from '../src/video/ffmpeg-path.js';
import { wasmAvailable } from '../src/frames/wasm-kernel.js';
import { samplePhoto } from './sample.js';

const run = promisify(execFile);

interface Case {
  readonly label: string;
  readonly width: number;
  readonly height: number;
  readonly walk: string[];
}

const CASES: Case[] = [
  { label: '512x512', width: 512, height: 512, walk: ['backward', 'backward', 'left', 'up', 'backward'] },
  { label: '1080x1920', width: 1080, height: 1920, walk: ['backward', 'right'] },
];

const PAIRS = 5;

function median(xs: number[]): number {
  const v = [...xs].sort((x, y) => x - y);
  return (v[(v.length - 1) >> 1]! + v[v.length >> 1]!) / 2;
}

async function pipelineVsFfmpeg(dir: string, c: Case): Promise<void> {
  const body = { image: samplePhoto(), width: c.width, height: c.height, walk_type: c.walk, translation_factor: 0.1, num_interpolation_steps: 60, fps: 30, seed: 1 };
  // The frames exactly as the pipeline streams them, captured raw (untimed) for ffmpeg alone.
  const raw = join(dir, `${c.label}.raw`);
  const sink = createWriteStream(raw);
  let pixelFormat = '';
  const { plan } = await render(body, {
    output: join(dir, `${c.label}-capture.mp4`),
    engine: 'mirror',
    onFrame: (_, f, format) => {
      pixelFormat = format;
      sink.write(Buffer.from(f));
    },
  });
  sink.end();
  await once(sink, 'finish');
  const frames = plan.totalFrames;

  // Pairs in turn (pipeline, then ffmpeg alone from the file with the same arguments), so a
  // drift in the machine's speed hits both; the ratio is taken pair by pair.
  const pipelineFps: number[] = [];
  const ffmpegFps: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const t0 = performance.now();
    await render(body, { output: join(dir, `${c.label}.mp4`), engine: 'mirror' });
    const p = frames / ((performance.now() - t0) / 1000);
    const t1 = performance.now();
    await run(ffmpegPath(), [
      '-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', pixelFormat, '-s', `${c.width}x${c.height}`, '-framerate', '30', '-i', raw,
      ...outputArgs('mp4', 30, DEFAULT_ENCODE), '-y', join(dir, `${c.label}-ffmpeg.mp4`),
    ]);
    const f = frames / ((performance.now() - t1) / 1000);
    pipelineFps.push(p);
    ffmpegFps.push(f);
    ratios.push(p / f);
  }
  await rm(raw);
  console.log(`| ${c.label} | ${frames} | ${pixelFormat} | ${median(pipelineFps).toFixed(1)} | ${median(ffmpegFps).toFixed(1)} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`);
}

async function peakRss(steps: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'rss-child.ts'), String(steps)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0) throw new Error(`rss child exited with ${code}`);
  return Number(text.trim()) / 1024;
}

/** Runs the pipeline bench and prints markdown tables. */
export async function benchPipeline(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'zoomwalk-bench-'));
  try {
    console.log(`\n## Pipeline (mirror engine, mp4 ${DEFAULT_ENCODE.preset} crf ${DEFAULT_ENCODE.crf}, ${wasmAvailable() ? 'WebAssembly SIMD' : 'plain JS'} resampler)\n`);
    console.log(`Medians of ${PAIRS} pairs run in turn; the ratio is pipeline/ffmpeg per pair (median, min–max).\n`);
    console.log('| size | frames | frames streamed as | pipeline fps | ffmpeg-alone fps | ratio |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const c of CASES) await pipelineVsFfmpeg(dir, c);
    console.log('\n## Peak RSS of the Node process (512×512, mixed walk of backward and pans, 60 frames a step, mp4 ultrafast)\n');
    const short = await peakRss(10);
    const long = await peakRss(100);
    console.log('| frames | peak RSS MB |');
    console.log('| --- | --- |');
    console.log(`| 601 | ${short.toFixed(1)} |`);
    console.log(`| 6001 | ${long.toFixed(1)} |`);
    console.log(`\ndifference: ${(long - short).toFixed(1)} MB (target < 50 MB)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
