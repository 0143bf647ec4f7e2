import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { decodeImage, readImageSource } from '../image/load.js';
import { saveImage } from '../image/save.js';
import { outpaint } from '../render/outpaint.js';
import { UsageError } from '../errors.js';
import { extensionOf, localImagePath, refuseOverwrite } from './output-check.js';

/** Flags of `zoomwalk outpaint`, as commander parses them (strings). */
export interface OutpaintFlags {
  output?: string;
  left?: string;
  right?: string;
  up?: string;
  down?: string;
  width?: string;
  height?: string;
  offsetX?: string;
  offsetY?: string;
  mask?: string;
  engine?: string;
  engineUrl?: string;
  seed?: string;
  prompt?: string;
  negativePrompt?: string;
  steps?: string;
  json?: boolean;
}

/** Extensions `zoomwalk outpaint` writes, each in its own format. */
const IMAGE_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'webp'];

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new UsageError(`--${name}: "${value}" must be an integer`);
  return n;
}

/** Runs `zoomwalk outpaint`: one outpaint of one image, written as an image file. */
export async function outpaintCommand(file: string, flags: OutpaintFlags, signal: AbortSignal): Promise<void> {
  const placement = Object.fromEntries(
    (
      [
        ['left', 'left'],
        ['right', 'right'],
        ['up', 'up'],
        ['down', 'down'],
        ['width', 'width'],
        ['height', 'height'],
        ['offsetX', 'offset-x'],
        ['offsetY', 'offset-y'],
      ] as const
    )
      .map(([key, flag]) => [key, intFlag(flag, flags[key])] as const)
      .filter(([, v]) => v !== undefined),
  );
  if (!flags.mask && Object.keys(placement).length === 0) {
    throw new UsageError('say what to outpaint: --left/--right/--up/--down PX, --width/--height, or --mask FILE');
  }
  const seed = intFlag('seed', flags.seed);
  const steps = intFlag('steps', flags.steps);
  const output = flags.output ?? join('out', `${basename(file, extname(file))}-outpaint.png`);
  const image = localImagePath(file);
  const maskPath = flags.mask ? localImagePath(flags.mask) : null;
  refuseOverwrite([output], [...(image ? [{ what: 'the input image', path: image }] : []), ...(maskPath ? [{ what: 'the mask', path: maskPath }] : [])]);
  // The format follows the extension (saveImage): one sharp writes, or a refusal before any work.
  if (!IMAGE_EXTENSIONS.includes(extensionOf(output))) {
    throw new UsageError(`-o "${output}": the extension must be one of ${IMAGE_EXTENSIONS.map((e) => `.${e}`).join(', ')} (the image format is taken from it)`);
  }
  const mask = flags.mask ? await decodeImage(await readImageSource(flags.mask, undefined, signal)) : undefined;
  const result = await outpaint(file, {
    ...placement,
    ...(mask ? { mask } : {}),
    ...(flags.engine ? { engine: flags.engine } : {}),
    ...(flags.engineUrl ? { engineOptions: { url: flags.engineUrl } } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(steps !== undefined ? { steps } : {}),
    ...(flags.prompt !== undefined ? { prompt: flags.prompt } : {}),
    ...(flags.negativePrompt !== undefined ? { negativePrompt: flags.negativePrompt } : {}),
    signal,
    onWarning: (m) => process.stderr.write(`zoomwalk: warning: ${m}\n`),
  });
  await mkdir(dirname(output), { recursive: true });
  await saveImage(result.image, output);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ status: 'success', output: [output], meta: { width: result.image.width, height: result.image.height, seed: result.seed, engine: result.engine } }, null, 2)}\n`);
  } else {
    process.stdout.write(`${output}\n`);
  }
}
