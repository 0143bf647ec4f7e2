import { Command, CommanderError } from 'commander';
import { engineNames } from '../engines/registry.js';
import { listPresets } from '../presets/shipped.js';
import { describeError, EXIT } from './errors.js';
import { outpaintCommand, type OutpaintFlags } from './outpaint-command.js';
import { renderCommand, type RenderFlags } from './render-command.js';
import { addRequestFlags } from './request-flags.js';
import { serveCommand, type ServeFlags } from './serve-command.js';
import { addStudioCommand } from './studio-command.js';
import { workerCommand, type WorkerFlags } from './worker-command.js';

function buildProgram(signal: AbortSignal): Command {
  const program = new Command('zoomwalk')
    .description('Render outpainted zoom-walk videos from one image.')
    .option('--verbose', 'print stack traces on errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  addRequestFlags(program
    .command('render')
    .description('render a v5 walk request (JSON file, or - for stdin), or an image with --walk, to a video')
    .argument('<request-or-image>', 'request JSON file, - to read stdin, or an image (path or URL) to walk from')
    .option('-o, --output <file>', 'output file (default out/<request>.<format>)')
    .option('--preset <name>', 'start from a preset; the request overrides its fields')
    .option('--engine <name>', `outpaint engine (${engineNames().join(', ')})`)
    .option('--engine-url <url>', 'base URL of a remote engine (else ZOOMWALK_<ENGINE>_URL)')
    .option('--image <pathOrUrl>', "replace the request's image")
    .option('--x264-preset <name>', 'x264 speed preset for mp4 (default medium)')
    .option('--crf <n>', 'encoder quality, lower is better (default 20)')
    .option('--json', 'print the result (or the --dry-run plan) as JSON on stdout')
    .option('--dry-run', 'print the plan (frames, duration, keyframes, viewports) without rendering')
    .option('--sheet <png>', 'after the render, write a contact sheet of the keyframes'))
    .action(async (file: string, flags: RenderFlags) => renderCommand(file, flags, signal));

  program
    .command('outpaint')
    .description('outpaint one image: grow its canvas, place it on a bigger one, or fill a mask')
    .argument('<image>', 'image file, URL or data URI')
    .option('-o, --output <file>', 'output image (default out/<image>-outpaint.png)')
    .option('--left <px>', 'grow the canvas on the left')
    .option('--right <px>', 'grow the canvas on the right')
    .option('--up <px>', 'grow the canvas upwards')
    .option('--down <px>', 'grow the canvas downwards')
    .option('--width <px>', 'canvas width (image centred unless --offset-x)')
    .option('--height <px>', 'canvas height (image centred unless --offset-y)')
    .option('--offset-x <px>', "image's left edge on the canvas")
    .option('--offset-y <px>', "image's top edge on the canvas")
    .option('--mask <file>', 'generate where this mask (same size as the image) is white')
    .option('--engine <name>', `outpaint engine (${engineNames().join(', ')})`)
    .option('--engine-url <url>', 'base URL of a remote engine (else ZOOMWALK_<ENGINE>_URL)')
    .option('--seed <n>', 'seed (random when omitted)')
    .option('--prompt <text>', 'prompt, for engines that use one')
    .option('--negative-prompt <text>', 'negative prompt, for engines that use one')
    .option('--steps <n>', 'num_inference_steps: the engine\'s effort (1-50)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (file: string, flags: OutpaintFlags) => outpaintCommand(file, flags, signal));

  program
    .command('serve')
    .description('serve the v5 outpaint API (keys from ZOOMWALK_API_KEYS)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '7860')
    .option('--data <dir>', 'job database and generated files', 'zoomwalk-data')
    .option('--engine <name>', `outpaint engine (${engineNames().join(', ')})`)
    .option('--engines <names>', 'further engines requests may pick with "engine" (comma-separated)')
    .option('--concurrency <n>', 'jobs rendered at once', '1')
    .option('--no-auth', 'accept requests without a key (loopback hosts only)')
    .option('--allow-private-urls', 'let image and webhook URLs reach private and loopback addresses')
    .option('--retention <duration>', 'delete finished jobs and their files this long after they end (24h, 90m, 7d; 0 keeps them)', '24h')
    .option('--max-queued <n>', 'jobs waiting to run before submissions get 503, 0 for no bound (default 100)')
    .option('--max-connections <n>', 'connections open at once, 0 for no cap (default 2048)')
    .option('--rate-limit <n>', 'requests a minute per API key, 0 for none (default 600)')
    .option('--queue <url>', 'keep jobs in Redis (redis://host:port/db, else ZOOMWALK_QUEUE); workers run them (docs/scale-out.md)')
    .option('--workers <n>', 'with --queue: workers this process runs itself (default 0: accept and answer only)')
    .action(async (flags: ServeFlags) => serveCommand(flags, signal));

  program
    .command('worker')
    .description('render jobs from a Redis queue into a shared store (docs/scale-out.md)')
    .option('--queue <url>', 'Redis URL, redis://host:port/db (else ZOOMWALK_QUEUE)')
    .option('--store <dir>', "the shared store: serve's --data directory", 'zoomwalk-data')
    .option('--concurrency <n>', 'jobs rendered at once', '1')
    .option('--engine <name>', `outpaint engine (${engineNames().join(', ')})`)
    .option('--engines <names>', 'further engines requests may pick with "engine" (comma-separated)')
    .option('--allow-private-urls', 'let image and webhook URLs reach private and loopback addresses')
    .action(async (flags: WorkerFlags) => workerCommand(flags, signal));

  addStudioCommand(program, signal);

  program
    .command('presets')
    .description('list the shipped presets')
    .option('--json', 'print them as JSON')
    .action((flags: { json?: boolean }) => {
      const presets = listPresets();
      if (flags.json) process.stdout.write(`${JSON.stringify(presets, null, 2)}\n`);
      else for (const p of presets) process.stdout.write(`${p.name.padEnd(20)} ${p.description}\n`);
    });
  return program;
}

/** Runs the CLI on argv (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const verbose = argv.includes('--verbose');
  try {
    await buildProgram(controller.signal).parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version "errors" are successes; everything else commander rejects is usage.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const { code, text } = describeError(err, verbose);
    process.stderr.write(`zoomwalk: error: ${text}\n`);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
