// The HTTP calls the page makes, each answering a plain result rather than throwing, so every
// caller decides what a 401, a 422 or a network failure means on screen.
import type { StudioBody } from './request-body.js';

/** What GET /api/studio/config tells the page about this server. */
export interface StudioConfig {
  readonly engines: readonly string[];
  readonly default_engine: string | null;
  readonly key_required: boolean;
  /** Server-side parts of the studio that may not exist yet (docs/studio.md). */
  readonly features: { readonly events: boolean; readonly redo: boolean; readonly step_seeds: boolean; readonly delete: boolean };
}

/** A preset as GET /api/studio/presets lists it (the same module the CLI reads). */
export interface PresetInfo {
  readonly name: string;
  readonly description: string;
  readonly fields: Record<string, unknown>;
}

/** A job's progress, in the shape of the v5 fetch response's `progress` and the SSE `progress` event. */
export interface JobProgress {
  readonly frames: number;
  readonly framesTotal: number;
  readonly keyframes: number;
  readonly keyframesTotal: number;
  readonly etaSeconds: number | null;
}

/** One row of GET /api/jobs. */
export interface JobSummary {
  readonly id: string;
  readonly status: 'queued' | 'processing' | 'success' | 'error' | 'cancelled';
  readonly progress: JobProgress | null;
  readonly error: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  /** URL of the job's latest keyframe thumbnail, once the server writes them (docs/studio.md). */
  readonly thumbnail?: string | null;
}

/** A field the server named in a 422. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** The outcome of a call: the JSON on 2xx, else the status, the server's message and named fields. */
export type ApiResult<T> = { readonly ok: true; readonly status: number; readonly json: T } | { readonly ok: false; readonly status: number; readonly message: string; readonly errors: readonly FieldIssue[] };

/** Headers for a call, with the key (never in the URL or the body) when there is one. */
export function authHeaders(key: string | null, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...(key ? { 'x-key': key } : {}) };
}

/** Sends a request and folds every failure (network included, status 0) into an ApiResult. */
async function call<T>(method: string, path: string, key: string | null, body?: unknown): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: authHeaders(key, body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    return { ok: false, status: 0, message: `the server did not answer (${err instanceof Error ? err.message : String(err)})`, errors: [] };
  }
  const json = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (res.ok) return { ok: true, status: res.status, json: json as T };
  const errors = Array.isArray(json?.['errors']) ? (json['errors'] as FieldIssue[]) : [];
  const message = typeof json?.['message'] === 'string' ? json['message'] : typeof json?.['detail'] === 'string' ? json['detail'] : `HTTP ${res.status}`;
  return { ok: false, status: res.status, message, errors };
}

/** The v5 answer to a submit or a fetch. */
export interface V5Answer {
  readonly status: 'processing' | 'success' | 'error';
  readonly id: string;
  readonly progress?: JobProgress | null;
  readonly output?: string[];
  readonly meta?: Record<string, unknown>;
  readonly message?: string;
}

export const api = {
  /** GET /api/studio/config. */
  config: () => call<StudioConfig>('GET', '/api/studio/config', null),
  /** GET /api/studio/presets. */
  presets: () => call<{ presets: PresetInfo[] }>('GET', '/api/studio/presets', null),
  /** POST /api/v5/outpaint with exactly `body`. */
  submit: (body: StudioBody, key: string | null) => call<V5Answer>('POST', '/api/v5/outpaint', key, body),
  /** POST /api/v5/fetch/:id. */
  fetchJob: (id: string, key: string | null) => call<V5Answer>('POST', `/api/v5/fetch/${encodeURIComponent(id)}`, key, {}),
  /** GET /api/jobs?limit=. */
  jobs: (limit: number, key: string | null) => call<{ jobs: JobSummary[] }>('GET', `/api/jobs?limit=${limit}`, key),
  /** DELETE /api/jobs/:id: cancels a queued or running job. */
  cancel: (id: string, key: string | null) => call<unknown>('DELETE', `/api/jobs/${encodeURIComponent(id)}`, key),
  /** DELETE /api/jobs/:id?files=true: forgets a finished job and removes its files (docs/studio.md). */
  remove: (id: string, key: string | null) => call<unknown>('DELETE', `/api/jobs/${encodeURIComponent(id)}?files=true`, key),
  /** POST /api/jobs/:id/redo: re-runs the job from `from_step` (docs/studio.md). */
  redo: (id: string, redo: { from_step: number; seed?: number; prompt?: string }, key: string | null) => call<V5Answer & { resumed_from_step?: number }>('POST', `/api/jobs/${encodeURIComponent(id)}/redo`, key, redo),
};
