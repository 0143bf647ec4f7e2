// Follows one job until it ends: the SSE stream GET /api/jobs/:id/events (docs/studio.md), read
// with fetch so the key travels in a header, resumed with Last-Event-ID after a drop; polling
// POST /api/v5/fetch/:id when the server has no stream.
import { api, authHeaders, type JobProgress } from './api.js';
import { SseParser } from './sse.js';

/** A keyframe thumbnail as the `keyframe` event names it. */
export interface KeyframeShot {
  readonly index: number;
  readonly sample: number;
  readonly url: string;
}

/** What the watcher reports; exactly one of `done` and `failed` ends a watch. */
export interface WatchHandlers {
  progress(p: JobProgress, status: 'queued' | 'processing'): void;
  keyframe(k: KeyframeShot): void;
  done(outputs: readonly string[], meta: Record<string, unknown> | null): void;
  failed(message: string, status: 'error' | 'cancelled' | 'unauthorized'): void;
}

const POLL_MS = 400;
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

/** Watches job `id` until it ends or `signal` aborts; `events` says whether to try the stream first. */
export async function watchJob(id: string, key: string | null, h: WatchHandlers, signal: AbortSignal, events: boolean): Promise<void> {
  if (events && (await streamJob(id, key, h, signal))) return;
  await pollJob(id, key, h, signal);
}

/** Polls the v5 fetch route until the job ends. */
async function pollJob(id: string, key: string | null, h: WatchHandlers, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    const r = await api.fetchJob(id, key);
    if (signal.aborted) return;
    if (!r.ok) {
      if (r.status === 401) return h.failed(r.message, 'unauthorized');
      if (r.status === 404) return h.failed(r.message, 'error');
      await sleep(1000, signal);
      continue;
    }
    const a = r.json;
    if (a.status === 'success') return h.done(a.output ?? [], a.meta ?? null);
    if (a.status === 'error') return h.failed(a.message ?? 'the job failed', a.message === 'cancelled' ? 'cancelled' : 'error');
    if (a.progress) h.progress(a.progress, 'processing');
    await sleep(POLL_MS, signal);
  }
}

/** Reads the event stream, reconnecting with Last-Event-ID; false when the server has none (then the caller polls). */
async function streamJob(id: string, key: string | null, h: WatchHandlers, signal: AbortSignal): Promise<boolean> {
  const parser = new SseParser();
  let failures = 0;
  while (!signal.aborted) {
    let res: Response;
    try {
      const headers = authHeaders(key, { accept: 'text/event-stream', ...(parser.lastEventId ? { 'last-event-id': parser.lastEventId } : {}) });
      res = await fetch(`/api/jobs/${encodeURIComponent(id)}/events`, { headers, signal, cache: 'no-store' });
    } catch {
      if (signal.aborted) return true;
      if (++failures > 3) return false;
      await sleep(parser.retryMs ?? 1000, signal);
      continue;
    }
    if (res.status === 401) {
      h.failed('invalid or missing API key', 'unauthorized');
      return true;
    }
    if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return false;
    failures = 0;
    if (await readStream(res.body, parser, h, signal)) return true;
    await sleep(parser.retryMs ?? 1000, signal);
  }
  return true;
}

/** Dispatches the events of one connection; true once the job has ended. */
async function readStream(body: ReadableStream<Uint8Array>, parser: SseParser, h: WatchHandlers, signal: AbortSignal): Promise<boolean> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done || signal.aborted) return signal.aborted;
      for (const e of parser.feed(decoder.decode(value, { stream: true }))) if (handle(e.event, e.data, h)) return true;
    }
  } catch {
    return signal.aborted;
  } finally {
    // Ends the connection when an event ended the job before the server closed it.
    void reader.cancel().catch(() => undefined);
  }
}

/** Applies one event; true when it ended the job. */
function handle(event: string, data: string, h: WatchHandlers): boolean {
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return false;
  }
  switch (event) {
    case 'progress':
      h.progress(d['progress'] as JobProgress, d['status'] === 'queued' ? 'queued' : 'processing');
      return false;
    case 'keyframe':
      h.keyframe({ index: Number(d['index']), sample: Number(d['sample'] ?? 0), url: String(d['url']) });
      return false;
    case 'done':
      h.done((d['output'] as string[] | undefined) ?? [], (d['meta'] as Record<string, unknown> | undefined) ?? null);
      return true;
    case 'error':
      h.failed(String(d['message'] ?? 'the job failed'), d['status'] === 'cancelled' ? 'cancelled' : 'error');
      return true;
    default:
      return false;
  }
}
