import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Command } from 'commander';
import { engineNames } from '../engines/registry.js';
import { UsageError } from '../errors.js';

/** Flags of `zoomwalk studio`. */
export interface StudioFlags {
  port: string;
  data: string;
  engine?: string;
  open?: boolean;
}

/** The studio always offers `mirror` beside the main engine: instant previews cost nothing. */
const PREVIEW_ENGINE = 'mirror';

/** The command that opens a URL in the desktop's browser, or null where there is none to ask. */
function opener(url: string): [string, string[]] | null {
  if (process.platform === 'darwin') return ['open', [url]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  if (process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']) return ['xdg-open', [url]];
  return null;
}

/** Opens `url` in a browser when the machine has one; says so on stderr when it cannot. */
function openBrowser(url: string, log: (m: string) => void): void {
  const cmd = opener(url);
  if (!cmd) return log(`no desktop to open a browser on; open ${url} yourself`);
  const child = spawn(cmd[0], cmd[1], { stdio: 'ignore', detached: true });
  child.on('error', () => log(`could not start ${cmd[0]}; open ${url} yourself`));
  child.unref();
}

/** Runs `zoomwalk studio`: the server on 127.0.0.1 without keys (loopback only), until SIGINT/SIGTERM. */
export async function studioCommand(flags: StudioFlags, signal: AbortSignal): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${flags.port}" must be 0–65535`);
  if (flags.engine !== undefined && !engineNames().includes(flags.engine)) throw new UsageError(`unknown engine "${flags.engine}"; known: ${engineNames().join(', ')}`);
  const log = (m: string): void => void process.stderr.write(`zoomwalk studio: ${m}\n`);
  // Loaded only for this command (see serve-command.ts).
  const { buildServer, DEFAULT_SERVER_OPTIONS } = await import('../server/app.js');
  const { app } = buildServer({
    ...DEFAULT_SERVER_OPTIONS,
    dataDir: flags.data,
    auth: { open: true, keys: [] },
    ...(flags.engine ? { engine: flags.engine } : {}),
    engines: [PREVIEW_ENGINE],
    log,
  });
  const address = await app.listen({ host: '127.0.0.1', port });
  const url = `${address}/`;
  log(`the studio is at ${url} (data ${flags.data}; Ctrl-C stops it)`);
  process.stdout.write(`${url}\n`);
  if (flags.open) openBrowser(url, log);
  if (!signal.aborted) await once(signal, 'abort');
  log('shutting down');
  await app.close();
}

/** Adds `zoomwalk studio` to the CLI. */
export function addStudioCommand(program: Command, signal: AbortSignal): void {
  program
    .command('studio')
    .description('open the studio: a web page to make and watch zoom walks (127.0.0.1, no key)')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '7860')
    .option('--data <dir>', 'job database and generated files', 'zoomwalk-data')
    .option('--engine <name>', `outpaint engine (${engineNames().join(', ')}); mirror is always offered too`)
    .option('--open', 'open the page in a browser')
    .action(async (flags: StudioFlags) => studioCommand(flags, signal));
}
