import type { LookupFunction } from 'node:net';
import type { Dispatcher } from 'undici';
import type { OutpaintEngine } from '../engines/types.js';
import type { AuthConfig } from './auth.js';
import type { QueueChoice } from './redis-backend.js';
import type { ServerLimits } from './limits-plugin.js';
import type { WebhookOptions } from './webhook.js';

/** Everything `zoomwalk serve` can be told. */
export interface ServerOptions {
  readonly dataDir: string;
  readonly engine: OutpaintEngine | string;
  /** Further engines a request may choose with `engine` (the operator's opt-in). */
  readonly engines?: readonly string[];
  readonly auth: AuthConfig;
  readonly concurrency: number;
  readonly allowPrivateUrls: boolean;
  readonly bodyLimitBytes: number;
  readonly maxImageBytes: number;
  /** Largest input image accepted, in pixels (width × height). */
  readonly maxImagePixels: number;
  readonly fetchTimeoutMs: number;
  readonly syncWaitMs: number;
  /** Base URL put in links (fetch_result, output, polling URLs, webhooks); default: the address the request came to. */
  readonly publicUrl?: string;
  readonly webhook?: Partial<Omit<WebhookOptions, 'allowPrivateUrls'>>;
  /** Finished jobs (record, outputs, inputs, checkpoints) are deleted this long after they end; 0 keeps them (default 24 h). */
  readonly retentionMs?: number;
  /** Submissions get 507 ZW_DISK_FULL while less than this is free in dataDir (default 32 MiB). */
  readonly minFreeBytes?: number;
  /** Timeouts, connection cap, rate limit, queue bound (defaults: DEFAULT_LIMITS in limits-plugin.ts). */
  readonly limits?: Partial<ServerLimits>;
  /** For tests: where URL fetches go instead of the network (see ImageFetchOptions.dispatcher). */
  readonly fetchDispatcher?: Dispatcher;
  /** Resolves host names for the SSRF guard (images and webhooks); default dns.lookup. Tests inject one. */
  readonly dnsLookup?: LookupFunction;
  readonly log?: (message: string) => void;
  /** Jobs in Redis (BullMQ) instead of the embedded queue, and how many local workers to run (docs/scale-out.md). */
  readonly queue?: QueueChoice;
}

/** The defaults of every option but the data directory and the keys. */
export const DEFAULT_SERVER_OPTIONS: Omit<ServerOptions, 'dataDir' | 'auth'> = {
  engine: 'classical',
  concurrency: 1,
  allowPrivateUrls: false,
  bodyLimitBytes: 30 * 1024 * 1024,
  maxImageBytes: 30 * 1024 * 1024,
  maxImagePixels: 50_000_000,
  fetchTimeoutMs: 30_000,
  syncWaitMs: 60_000,
  retentionMs: 24 * 3600_000,
  minFreeBytes: 32 * 1024 * 1024,
};
