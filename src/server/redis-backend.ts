import type { RedisTarget } from './jobs/redis/connection.js';
import { RedisJobQueue } from './jobs/redis/redis-queue.js';
import { type RunningWorker, startRedisWorker } from './jobs/redis/redis-worker.js';
import type { JobQueue } from './jobs/types.js';
import type { RunnerOptions } from './runners/options.js';
import type { WebhookOptions } from './webhook.js';

/** `serve --queue redis://…`: where jobs go, and how many workers this process runs itself (0: only accept and answer). */
export interface QueueChoice {
  readonly target: RedisTarget;
  readonly workers: number;
}

/** The Redis queue of one API process and its local workers (`--workers N`, the one-box set-up). */
export function redisBackend(choice: QueueChoice, runner: RunnerOptions, hooks: WebhookOptions, base: () => string, onRejected: (request: Record<string, unknown>) => void): { queue: JobQueue; close: () => Promise<void> } {
  const queue = new RedisJobQueue({ target: choice.target, base, onRejected });
  const log = runner.log ?? (() => undefined);
  const workers: Promise<RunningWorker | null>[] = [];
  for (let i = 0; i < choice.workers; i++) {
    workers.push(
      startRedisWorker({ target: choice.target, runner, concurrency: 1, webhook: hooks, log }).catch((err: unknown) => {
        log(`local worker ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      }),
    );
  }
  return {
    queue,
    close: async () => {
      await Promise.all(workers.map(async (w) => (await w)?.close()));
    },
  };
}
