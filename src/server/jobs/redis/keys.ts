/** The BullMQ queue every API instance and worker shares. */
export const QUEUE_NAME = 'zoomwalk-jobs';

/** Redis keys zoomwalk keeps beside BullMQ's own (all under one prefix, so `--queue …/db` isolates them). */
export const KEYS = {
  /** Set while a job is cancelled: the worker running it polls this. */
  cancel: (id: string) => `zw:cancel:${id}`,
  /** Job ids newest first (score: created at, ms), all owners. */
  index: 'zw:index',
  /** Job ids of one owner (an API key's hash; "-" for a server without keys). */
  ownerIndex: (owner: string | null) => `zw:index:${owner ?? '-'}`,
  /** Idempotency-Key → job id. */
  idempotency: (owner: string | null, key: string) => `zw:idem:${owner ?? '-'}:${key}`,
  /** Webhook outbox: job id → due time (ms); the delivery itself in `hook(id)`. */
  outboxDue: 'zw:outbox',
  hook: (id: string) => `zw:hook:${id}`,
} as const;

/** Worker settings: a dead worker's lock lapses after LOCK_MS and the next stall check (every STALLED_MS) hands its job on. */
export const LOCK_MS = 6_000;
export const STALLED_MS = 2_000;
/** A job whose worker died this many times is failed instead of run again. */
export const MAX_STALLED = 3;
/** Tries of a job that hits a transient fault (an engine's 5xx, a lost connection), with exponential backoff from BACKOFF_MS. */
export const ATTEMPTS = 3;
export const BACKOFF_MS = 2_000;
/** How long idempotency keys and cancel flags live. */
export const MARK_TTL_S = 7 * 24 * 3600;
