/** Where a job is in its life. */
export type JobStatus = 'queued' | 'processing' | 'success' | 'error' | 'cancelled';

/** One render job as stored: the raw request, and what came of it. */
export interface JobRecord {
  readonly id: string;
  readonly status: JobStatus;
  /** The request body as received (preset applied), validated at submit time. */
  readonly request: Record<string, unknown>;
  /** Output file names under the generations directory. */
  readonly outputs: string[];
  readonly meta: Record<string, unknown> | null;
  readonly error: string | null;
  readonly progress: { readonly frames: number; readonly framesTotal: number; readonly keyframes: number; readonly keyframesTotal: number; readonly etaSeconds: number | null } | null;
  readonly generationTime: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Who submitted it: a hash of the API key (tenancy.ts), never the key; null for a server without keys. */
  readonly owner: string | null;
}

/** A job as the listing shows it: no request, no meta, no image. */
export type JobSummary = Pick<JobRecord, 'id' | 'status' | 'progress' | 'error' | 'createdAt' | 'updatedAt'>;

/** One page of the listing, newest first; `owner` undefined lists every owner's jobs (operators). */
export interface JobPageQuery {
  readonly owner?: string | null;
  readonly limit: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** A page of jobs and the cursor of the next one (null on the last page). */
export interface JobPage {
  readonly jobs: JobSummary[];
  readonly nextCursor: string | null;
}

/** Runs one job's render; resolves with its outputs and meta, throws on failure. */
export type JobRunner = (job: JobRecord, report: (progress: NonNullable<JobRecord['progress']>) => void, signal: AbortSignal) => Promise<{ outputs: string[]; meta: Record<string, unknown>; generationTime: number }>;

/** What a submission may add: a client's `Idempotency-Key` (a repeat with the same key and owner returns the same job). */
export interface SubmitOptions {
  readonly idempotencyKey?: string;
}

/** What `/health` reports about the queue. */
export interface QueueStats {
  readonly backend: 'embedded' | 'redis';
  /** Jobs waiting to run. */
  readonly depth: number;
  /** Jobs being rendered now. */
  readonly active: number;
  /** Processes taking jobs (1 for the embedded queue: this one). */
  readonly workers: number;
}

/**
 * The job queue behind the server: submit, look up, list, cancel. Every method is asynchronous, so a
 * distributed queue (BullMQ on Redis) fits the same shape as the embedded one (in-process, SQLite).
 */
export interface JobQueue {
  /** Stores a queued job for `request`, owned by `owner` (see tenancy.ts), and schedules it. */
  submit(request: Record<string, unknown>, owner?: string | null, options?: SubmitOptions): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | null>;
  /** The newest `limit` jobs, newest first. */
  list(limit: number): Promise<JobRecord[]>;
  /** A page of small job rows, newest first (GET /api/jobs). */
  page(query: JobPageQuery): Promise<JobPage>;
  /** Finished jobs last updated before `before` (ms since the epoch), oldest first, at most `limit` (retention). */
  finishedBefore(before: number, limit: number): Promise<JobRecord[]>;
  /** Input file names that queued or running jobs still need (every other stored input is an orphan). */
  inputsInUse(): Promise<Set<string>>;
  /** Deletes a finished job's record (its files are the caller's to remove first). */
  remove(id: string): Promise<void>;
  /** Cancels a queued or running job; false when it is unknown or already finished. */
  cancel(id: string): Promise<boolean>;
  /** Resolves once the job leaves queued/processing (or after `timeoutMs`). */
  waitFor(id: string, timeoutMs: number): Promise<JobRecord | null>;
  /** How many jobs wait to run (not those running): what the bounded queue compares with its limit. */
  depth(): Promise<number>;
  /** Depth, active jobs and live workers, for /health. */
  stats(): Promise<QueueStats>;
  /** Stops taking and running jobs; unfinished ones stay stored, to be resumed by the next start. */
  close(): Promise<void>;
}
