import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { throwIfAborted } from '../errors.js';
import { checkEngineOptions, createEngine, DEFAULT_ENGINE } from '../engines/registry.js';
import { decodeInput, readImageSource } from '../image/load.js';
import { decodeRgbaAtWidth } from '../image/resize.js';
import { probeAudio } from '../video/audio.js';
import { getPreset } from '../presets/shipped.js';
import { resolveRequest } from '../request/resolve.js';
import { randomSeed } from '../request/seed.js';
import type { WalkRequest } from '../request/walk-request.js';
import { planWalk } from '../walk/plan.js';
import type { RenderOptions, RenderOutput, RenderResult } from './options.js';
import { ProgressTracker } from './progress.js';
import { renderSample } from './sample.js';
import { fillTransparent } from './transparent.js';

/** The file of sample `index` (0-based) when a render writes `samples` outputs to `output`. */
export function samplePath(output: string, index: number, samples: number): string {
  if (samples === 1) return output;
  const ext = extname(output);
  return `${output.slice(0, output.length - ext.length)}-${index + 1}${ext}`;
}

/** The watermark's width in output pixels: watermark_scale of the video's width, even. */
function watermarkWidth(r: WalkRequest): number {
  return Math.max(2, 2 * Math.round((r.watermark!.scale * r.width * r.outputScale) / 2));
}

/** Renders a v5 walk request to video (or image) files: the library entry point. */
export async function render(body: unknown, options: RenderOptions): Promise<RenderResult> {
  const started = performance.now();
  const request = resolveRequest(body, getPreset, options);
  const walk = planWalk(request);
  const closing = options.closeLoop && walk.loop ? [{ step: walk.steps.length - 1, t: 1 }] : [];
  const plan = closing.length > 0 ? { ...walk, frames: [...walk.frames, ...closing], totalFrames: walk.totalFrames + 1 } : walk;
  const engineName = typeof options.engine === 'object' ? options.engine.name : (options.engine ?? request.engine ?? DEFAULT_ENGINE);
  checkEngineOptions(engineName, request.engineOptions);
  const bytes = options.imageBytes ?? (await readImageSource(request.image, options.loadLimits, options.signal));
  const decoded = await decodeInput(bytes, options.loadLimits, { cover: { width: request.width, height: request.height } });
  // Audio and watermark fail here, before any engine work, when they are not what they claim.
  const audioPath = request.audio ? (options.audioPath ?? request.audio.source) : null;
  if (audioPath) await probeAudio(audioPath);
  const watermark = request.watermark
    ? await decodeRgbaAtWidth(options.watermarkBytes ?? (await readImageSource(request.watermark.source, options.loadLimits, options.signal)), watermarkWidth(request))
    : null;
  throwIfAborted(options.signal);

  const warn = options.onWarning ?? (() => undefined);
  const ownsEngine = typeof options.engine !== 'object';
  const engineOptions = { ...(request.engineOptions ? { extra: request.engineOptions } : {}), ...options.engineOptions, warn };
  const engine = typeof options.engine === 'object' ? options.engine : await createEngine(engineName, engineOptions);
  const baseSeed = request.seed ?? randomSeed();
  let input = decoded.image;
  const isVideo = request.outputFormat !== 'png';
  const tracker = new ProgressTracker(request.samples, plan.steps.length, isVideo ? plan.totalFrames : 0, options.onProgress);
  const outputs: RenderOutput[] = [];
  try {
    // A transparent input: its transparent pixels are outpainted once, and the walk starts from the result.
    if (decoded.transparent) input = await fillTransparent(engine, decoded.image, decoded.transparent, request, baseSeed, options.signal);
    await mkdir(dirname(options.output), { recursive: true });
    for (let n = 0; n < request.samples; n++) {
      tracker.sample = n;
      const path = samplePath(options.output, n, request.samples);
      const seed = (baseSeed + n) >>> 0;
      outputs.push(await renderSample({ request, plan, input, engine, seed, path, options, tracker, watermark, audioPath }));
    }
  } finally {
    if (ownsEngine) await engine.close?.();
  }
  tracker.report('done');
  return { outputs, request, plan, engine: engine.name, seconds: (performance.now() - started) / 1000 };
}
