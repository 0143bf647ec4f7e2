import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { getPreset } from '../presets/shipped.js';
import { render, samplePath } from '../render/render.js';
import { OUTPUT_FORMATS } from '../request/limits.js';
import { applyPreset } from '../request/presets.js';
import { resolveRequest } from '../request/resolve.js';
import { responseMeta } from '../render/meta.js';
import { extensionOf, localImagePath, refuseOverwrite } from './output-check.js';
import { progressView } from './progress-view.js';
import { UsageError } from '../errors.js';

/** Flags of `zoomwalk render`. */
export interface RenderFlags {
  output?: string;
  preset?: string;
  engine?: string;
  engineUrl?: string;
  image?: string;
  json?: boolean;
  seed?: string;
  x264Preset?: string;
  crf?: string;
}

async function readRequest(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read request file "${file}": ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`request file "${file}" is not valid JSON: ${(err as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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
  const body = await readRequest(file);
  const seed = integerFlag('seed', flags.seed);
  const withSeed = seed !== undefined && typeof body === 'object' && body !== null ? { ...body, seed } : body;
  const options = { ...(flags.preset ? { preset: flags.preset } : {}), ...(flags.image ? { image: flags.image } : {}) };
  const withFormat = formatFromOutput(withSeed, flags);
  // Validate before choosing the default output name, which depends on the format.
  const request = resolveRequest(withFormat, getPreset, options);
  const output = flags.output ?? join('out', `${basename(file === '-' ? 'zoomwalk' : file, extname(file))}.${request.outputFormat}`);
  // Refusing to overwrite an input comes first: it is the worse mistake.
  const image = localImagePath(request.image);
  refuseOverwrite(
    Array.from({ length: request.samples }, (_, n) => samplePath(output, n, request.samples)),
    [...(file === '-' ? [] : [{ what: 'the request file', path: file }]), ...(image ? [{ what: "the request's image", path: image }] : [])],
  );
  const ext = extensionOf(output);
  if (ext !== request.outputFormat) {
    throw new UsageError(`-o "${output}": the extension ${ext ? `".${ext}"` : '(none)'} does not match the output format ${request.outputFormat}; name it .${request.outputFormat}, or set output_format to the one you want`);
  }
  const crf = integerFlag('crf', flags.crf);
  const view = progressView();
  try {
    const result = await render(withFormat, {
      ...options,
      output,
      signal,
      onProgress: view.update,
      onWarning: (m) => process.stderr.write(`zoomwalk: warning: ${m}\n`),
      ...(flags.engine ? { engine: flags.engine } : {}),
      ...(flags.engineUrl ? { engineOptions: { url: flags.engineUrl } } : {}),
      ...(flags.x264Preset || crf !== undefined ? { encode: { preset: flags.x264Preset ?? 'medium', crf: crf ?? 20 } } : {}),
    });
    view.stop();
    if (request.seed === null) process.stderr.write(`zoomwalk: random seed ${result.outputs[0]?.seed}\n`);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ status: 'success', generationTime: result.seconds, output: result.outputs.map((o) => o.path), meta: responseMeta(result) }, null, 2)}\n`);
    } else {
      for (const o of result.outputs) process.stdout.write(`${o.path}\n`);
    }
  } finally {
    view.stop();
  }
}
