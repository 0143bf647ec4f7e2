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
}

/** Runs one job's render; resolves with its outputs and meta, throws on failure. */
export type JobRunner = (job: JobRecord, report: (progress: NonNullable<JobRecord['progress']>) => void, signal: AbortSignal) => Promise<{ outputs: string[]; meta: Record<string, unknown>; generationTime: number }>;

/**
 * The job queue behind the server: submit, look up, list, cancel. Every method is asynchronous, so a
 * distributed queue (BullMQ on Redis) fits the same shape as the embedded one (in-process, SQLite).
 */
export interface JobQueue {
  /** Stores a queued job for `request` and schedules it. */
  submit(request: Record<string, unknown>): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | null>;
  /** The newest `limit` jobs, newest first. */
  list(limit: number): Promise<JobRecord[]>;
  /** Cancels a queued or running job; false when it is unknown or already finished. */
  cancel(id: string): Promise<boolean>;
  /** Resolves once the job leaves queued/processing (or after `timeoutMs`). */
  waitFor(id: string, timeoutMs: number): Promise<JobRecord | null>;
  /** How many jobs wait to run (not those running): what the bounded queue compares with its limit. */
  depth(): Promise<number>;
  /** Stops taking and running jobs; unfinished ones stay stored, to be resumed by the next start. */
  close(): Promise<void>;
}
