import type { ErrorCode } from '../../../errors.js';
import type { JobRecord, JobRunner } from '../types.js';

type Result = Awaited<ReturnType<JobRunner>>;

/** What the worker's main thread tells its render thread. */
export type ToThread = { readonly type: 'run'; readonly job: JobRecord } | { readonly type: 'abort' };

/** What a render thread tells the main thread: progress and log lines while a job runs, then its end. */
export type FromThread =
  | { readonly type: 'progress'; readonly progress: NonNullable<JobRecord['progress']> }
  | { readonly type: 'log'; readonly message: string }
  | { readonly type: 'done'; readonly result: Result }
  | { readonly type: 'failed'; readonly message: string; readonly code?: ErrorCode };
