import { engineNames } from '../engines/registry.js';
import { UsageError } from '../errors.js';
import { closeOnSignal } from './close-on-signal.js';

/** Flags of `zoomwalk worker`. */
export interface WorkerFlags {
  queue?: string;
  store: string;
  concurrency: string;
  engine?: string;
  engines?: string;
  allowPrivateUrls?: boolean;
}

/** A worker that has not handed its jobs back after this long exits anyway (they stall and are taken over). */
const SHUTDOWN_DEADLINE_MS = 10_000;

/** Checks engine flags as `serve` does: every name must be registered. */
export function checkEngines(engine: string | undefined, list: string | undefined): string[] {
  const engines = (list ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const unknown = [engine, ...engines].filter((e): e is string => e !== undefined && !engineNames().includes(e));
  if (unknown.length > 0) throw new UsageError(`unknown engine ${unknown.map((e) => `"${e}"`).join(', ')}; known: ${engineNames().join(', ')}`);
  return engines;
}

/** Runs `zoomwalk worker` until SIGINT/SIGTERM: takes jobs from Redis, renders them into the shared store. */
export async function workerCommand(flags: WorkerFlags, signal: AbortSignal): Promise<void> {
  // Loaded only for this command (see serve-command.ts).
  const [{ directoryStore }, { parseQueueUrl }, { startRedisWorker }, { DEFAULT_WEBHOOK }] = await Promise.all([
    import('../server/jobs/artifact-store.js'),
    import('../server/jobs/redis/connection.js'),
    import('../server/jobs/redis/redis-worker.js'),
    import('../server/webhook.js'),
  ]);
  const url = flags.queue ?? process.env['ZOOMWALK_QUEUE'];
  if (!url) throw new UsageError('--queue redis://host:port/db (or ZOOMWALK_QUEUE) is required');
  const target = parseQueueUrl(url);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency: "${flags.concurrency}" must be a positive integer`);
  checkEngines(flags.engine, flags.engines);
  const log = (m: string): void => void process.stderr.write(`zoomwalk worker: ${m}\n`);
  const store = directoryStore(flags.store);
  const allowPrivateUrls = flags.allowPrivateUrls === true;
  const worker = await startRedisWorker({
    target,
    concurrency,
    runner: { ...store.dirs, engine: flags.engine ?? 'classical', allowPrivateUrls, maxImageBytes: 30 * 1024 * 1024, fetchTimeoutMs: 30_000, log },
    webhook: { ...DEFAULT_WEBHOOK, allowPrivateUrls, ...(process.env['ZOOMWALK_WEBHOOK_SECRET'] ? { secret: process.env['ZOOMWALK_WEBHOOK_SECRET'] } : {}), log },
    log,
  });
  log(`ready: ${worker.name}, queue ${target.display}, store ${flags.store}, concurrency ${concurrency}`);
  process.stdout.write('ready\n');
  await closeOnSignal(signal, () => worker.close(), { log, what: 'stopping: handing running jobs back to the queue', deadlineMs: SHUTDOWN_DEADLINE_MS });
}
