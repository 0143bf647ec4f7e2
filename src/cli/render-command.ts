import { join, resolve } from 'node:path';
import { getPreset } from '../presets/shipped.js';
import { render, samplePath } from '../render/render.js';
import { OUTPUT_FORMATS } from '../request/limits.js';
import { applyPreset } from '../request/presets.js';
import { resolveRequest } from '../request/resolve.js';
import { responseMeta } from '../render/meta.js';
import { extensionOf, localImagePath, refuseOverwrite } from './output-check.js';
import { progressView } from './progress-view.js';
import { UsageError } from '../errors.js';
import { DEFAULT_ENGINE } from '../engines/registry.js';
import { dryRun, formatDryRun } from './dry-run.js';
import { inputName, renderBody } from './render-input.js';
import { sheetRecorder } from './sheet-recorder.js';

/** Flags of `zoomwalk render`. */
export interface RenderFlags {
  output?: string;
  preset?: string;
  engine?: string;
  engineUrl?: string;
  image?: string;
  json?: boolean;
  x264Preset?: string;
  crf?: string;
  dryRun?: boolean;
  sheet?: string;
  /** The request flags (src/cli/request-flags.ts), by commander attribute name. */
  [requestFlag: string]: unknown;
}

function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name}: "${value}" must be a non-negative integer`);
  return n;
}

/**
 * The request with `output_format` taken from the -o extension when neither the request nor its
 * preset sets one and the extension names a format (mp4, webm, gif, png); otherwise as it was (a
 * mismatch is refused once the format is known).
 */
function formatFromOutput(body: unknown, flags: RenderFlags): unknown {
  const ext = flags.output ? extensionOf(flags.output) : '';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(ext) || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const merged = applyPreset(body, getPreset, flags.preset) as Record<string, unknown>;
  return merged['output_format'] === undefined ? { ...body, output_format: ext } : body;
}

/** Runs `zoomwalk render`: result paths (or JSON) on stdout, progress on stderr. */
export async function renderCommand(file: string, flags: RenderFlags, signal: AbortSignal): Promise<void> {
  // A request file or an image, with the request flags over it (README.md, CLI).
  const body = await renderBody(file, flags);
  const options = { ...(flags.preset ? { preset: flags.preset } : {}), ...(flags.image ? { image: flags.image } : {}) };
  const withFormat = formatFromOutput(body, flags);
  // Validate before choosing the default output name, which depends on the format.
  const request = resolveRequest(withFormat, getPreset, options);
  const output = flags.output ?? join('out', `${inputName(file)}.${request.outputFormat}`);
  // Refusing to overwrite an input comes first: it is the worse mistake.
  const image = localImagePath(request.image);
  refuseOverwrite(
    Array.from({ length: request.samples }, (_, n) => samplePath(output, n, request.samples)),
    [...(file === '-' || (image !== null && resolve(image) === resolve(file)) ? [] : [{ what: 'the request file', path: file }]), ...(image ? [{ what: "the request's image", path: image }] : [])],
  );
  const ext = extensionOf(output);
  if (ext !== request.outputFormat) {
    throw new UsageError(`-o "${output}": the extension ${ext ? `".${ext}"` : '(none)'} does not match the output format ${request.outputFormat}; name it .${request.outputFormat}, or set output_format to the one you want`);
  }
  if (flags.dryRun) {
    const report = dryRun(request, output, flags.engine ?? request.engine ?? DEFAULT_ENGINE);
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}
` : formatDryRun(report));
    return;
  }
  const sheet = flags.sheet ? await sheetRecorder(request, signal) : null;
  const crf = integerFlag('crf', flags.crf);
  const view = progressView();
  try {
    const result = await render(withFormat, {
      ...options,
      output,
      signal,
      onProgress: view.update,
      onWarning: (m) => process.stderr.write(`zoomwalk: warning: ${m}\n`),
      ...(sheet ? { imageBytes: sheet.imageBytes, onKeyframe: sheet.onKeyframe } : {}),
      ...(flags.engine ? { engine: flags.engine } : {}),
      ...(flags.engineUrl ? { engineOptions: { url: flags.engineUrl } } : {}),
      ...(flags.x264Preset || crf !== undefined ? { encode: { preset: flags.x264Preset ?? 'medium', crf: crf ?? 20 } } : {}),
    });
    view.stop();
    if (sheet && flags.sheet) await sheet.write(flags.sheet);
    if (request.seed === null) process.stderr.write(`zoomwalk: random seed ${result.outputs[0]?.seed}\n`);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ status: 'success', generationTime: result.seconds, output: result.outputs.map((o) => o.path), ...(flags.sheet ? { sheet: flags.sheet } : {}), meta: responseMeta(result) }, null, 2)}\n`);
    } else {
      for (const o of result.outputs) process.stdout.write(`${o.path}\n`);
      if (flags.sheet) process.stderr.write(`zoomwalk: contact sheet ${flags.sheet}\n`);
    }
  } finally {
    view.stop();
  }
}
