import { isIP } from 'node:net';
import { UsageError } from '../errors.js';
import { closeOnSignal } from './close-on-signal.js';
import { checkEngines } from './worker-command.js';

/** Flags of `zoomwalk serve`. */
export interface ServeFlags {
  host: string;
  port: string;
  data: string;
  engine?: string;
  engines?: string;
  concurrency: string;
  auth: boolean;
  allowPrivateUrls?: boolean;
  retention?: string;
  maxQueued?: string;
  maxConnections?: string;
  rateLimit?: string;
  queue?: string;
  workers?: string;
}

/** SIGTERM to exit, whatever is open: Fastify gets this long to close before the process ends anyway. */
const SHUTDOWN_DEADLINE_MS = 4_000;

/** A non-negative integer flag, or undefined when not given. */
function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag}: "${value}" must be a non-negative integer`);
  return n;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Runs `zoomwalk serve` until SIGINT/SIGTERM. */
export async function serveCommand(flags: ServeFlags, signal: AbortSignal): Promise<void> {
  // The server is loaded only for this command: a render does not carry its modules (≈ 30 MB).
  const [{ buildServer, DEFAULT_SERVER_OPTIONS }, { keysFromEnv }, { parseRetention }, { parseQueueUrl }] = await Promise.all([
    import('../server/app.js'),
    import('../server/auth.js'),
    import('../server/retention.js'),
    import('../server/jobs/redis/connection.js'),
  ]);
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${flags.port}" must be 0–65535`);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency: "${flags.concurrency}" must be a positive integer`);
  // Operator keys (see every tenant's jobs) are keys too; from the environment only, never argv (ps shows it).
  const operators = keysFromEnv(process.env['ZOOMWALK_OPERATOR_KEYS']);
  const keys = [...new Set([...keysFromEnv(process.env['ZOOMWALK_API_KEYS']), ...operators])];
  const retentionMs = parseRetention(flags.retention ?? '24h');
  if (!flags.auth && !isLoopback(flags.host)) throw new UsageError(`--no-auth is only allowed on a loopback host, not ${flags.host}`);
  if (flags.auth && keys.length === 0) throw new UsageError('set ZOOMWALK_API_KEYS (comma-separated keys), or pass --no-auth on a loopback host');
  const engines = checkEngines(flags.engine, flags.engines);
  const queueUrl = flags.queue ?? process.env['ZOOMWALK_QUEUE'];
  const workers = count('--workers', flags.workers) ?? 0;
  if (workers > 0 && !queueUrl) throw new UsageError('--workers needs --queue (the embedded queue runs jobs itself; see --concurrency)');
  const log = (m: string): void => void process.stderr.write(`zoomwalk serve: ${m}\n`);
  const limits = { maxQueued: count('--max-queued', flags.maxQueued), maxConnections: count('--max-connections', flags.maxConnections), rateLimitPerMinute: count('--rate-limit', flags.rateLimit) };
  const { app } = buildServer({
    ...DEFAULT_SERVER_OPTIONS,
    dataDir: flags.data,
    auth: { open: !flags.auth, keys, operators },
    retentionMs,
    concurrency,
    allowPrivateUrls: flags.allowPrivateUrls === true,
    ...(flags.engine ? { engine: flags.engine } : {}),
    engines,
    ...(process.env['ZOOMWALK_WEBHOOK_SECRET'] ? { webhook: { secret: process.env['ZOOMWALK_WEBHOOK_SECRET'] } } : {}),
    log,
    ...(queueUrl ? { queue: { target: parseQueueUrl(queueUrl), workers } } : {}),
    limits: Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
  });
  const address = await app.listen({ host: flags.host, port });
  log(`listening on ${address} (data ${flags.data}, ${flags.auth ? `${keys.length} API key(s)` : 'no auth'})`);
  process.stdout.write(`${address}\n`);
  // app.close() answers held requests 503 and aborts renders at once (server/shutdown.ts); the
  // deadline bounds what it cannot.
  await closeOnSignal(signal, () => app.close(), { log, what: 'shutting down', deadlineMs: SHUTDOWN_DEADLINE_MS });
}
