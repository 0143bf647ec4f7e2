import type { JobRecord, JobStatus } from '../types.js';

/** What the API stores in a BullMQ job's data. */
export interface RedisJobData {
  readonly request: Record<string, unknown>;
  readonly owner: string | null;
  /** The API's base URL at submit time: the worker puts it in the webhook's links. */
  readonly base: string;
}

/** What a worker returns for a job that succeeded. */
export interface RedisJobResult {
  readonly outputs: string[];
  readonly meta: Record<string, unknown>;
  readonly generationTime: number;
}

/** The fields of a BullMQ job this module reads (a Job or a JobBase). */
export interface BullJobView {
  readonly id?: string | undefined;
  readonly data: RedisJobData;
  readonly progress: unknown;
  readonly returnvalue: RedisJobResult | null | undefined;
  readonly failedReason?: string | undefined;
  readonly timestamp: number;
  readonly processedOn?: number | undefined;
  readonly finishedOn?: number | undefined;
}

/** The failedReason of a job that ended because it was cancelled. */
export const CANCELLED_REASON = 'cancelled';

/** Our status for a BullMQ state; a set cancel flag wins over every unfinished state. */
export function statusOf(state: string, failedReason: string | undefined, cancelled: boolean): JobStatus {
  if (state === 'completed') return 'success';
  if (state === 'failed') return failedReason === CANCELLED_REASON || cancelled ? 'cancelled' : 'error';
  if (cancelled) return 'cancelled';
  return state === 'active' ? 'processing' : 'queued';
}

function progressOf(p: unknown): JobRecord['progress'] {
  if (!p || typeof p !== 'object') return null;
  const o = p as Record<string, unknown>;
  if (typeof o['frames'] !== 'number') return null;
  return o as unknown as JobRecord['progress'];
}

/** A JobRecord from a BullMQ job, its state and its cancel flag. */
export function recordOf(job: BullJobView, state: string, cancelled: boolean): JobRecord {
  const status = statusOf(state, job.failedReason, cancelled);
  const result = status === 'success' ? job.returnvalue ?? null : null;
  return {
    id: job.id ?? '',
    status,
    request: job.data.request,
    outputs: result?.outputs ?? [],
    meta: result?.meta ?? null,
    error: status === 'error' ? job.failedReason ?? 'failed' : status === 'cancelled' ? CANCELLED_REASON : null,
    progress: status === 'processing' || status === 'queued' ? progressOf(job.progress) : null,
    generationTime: result?.generationTime ?? null,
    createdAt: job.timestamp,
    updatedAt: job.finishedOn ?? job.processedOn ?? job.timestamp,
    owner: job.data.owner,
  };
}
