import type { FastifyInstance } from 'fastify';
import { ZoomwalkError } from '../errors.js';
import type { JobQueue } from './jobs/types.js';

function shuttingDown(): ZoomwalkError {
  return new ZoomwalkError('ZW_SHUTTING_DOWN', 'the server is shutting down; the job is kept and resumes when it starts again');
}

/**
 * Makes `app.close()` (what SIGTERM calls) quick whatever is open, and returns the queue the routes
 * must use:
 * - at once (`preClose`, before Fastify waits for open requests): every request held open for its
 *   job (`waitFor`: v5 image-only, edit-outpaint, Picsart sync, ModelsLab) is answered 503
 *   ZW_SHUTTING_DOWN, a submission still being read is refused the same way, and the queue is
 *   closed, which aborts running renders (their records stay `processing` and their keyframe
 *   checkpoints stay on disk, so the next start resumes them);
 * - Fastify answers 503 to new requests on open connections and accepts no new ones;
 * - after `graceMs`, connections still open (an upload that never ends) are destroyed.
 * Nothing here waits for webhook deliveries.
 */
export function gracefulShutdown<Q extends JobQueue>(app: FastifyInstance, queue: Q, graceMs: number): Q {
  const stopping = new AbortController();
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= queue.close());
  const stopped = new Promise<never>((_, reject) => stopping.signal.addEventListener('abort', () => reject(shuttingDown()), { once: true }));
  stopped.catch(() => undefined);
  // The queue as the routes see it: the same object but for these three methods (a Proxy, so
  // methods a queue adds later pass through untouched).
  const overrides: Partial<Record<keyof JobQueue, unknown>> = {
    submit: (...args: Parameters<JobQueue['submit']>) => (stopping.signal.aborted ? Promise.reject(shuttingDown()) : queue.submit(...args)),
    waitFor: (...args: Parameters<JobQueue['waitFor']>) => Promise.race([queue.waitFor(...args), stopped]),
    close,
  };
  const wrapped = new Proxy(queue, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop as keyof JobQueue];
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  app.addHook('preClose', (done) => {
    stopping.abort();
    close().catch(() => undefined);
    setTimeout(() => app.server.closeAllConnections(), graceMs).unref();
    done();
  });
  app.addHook('onClose', async () => close());
  return wrapped;
}
