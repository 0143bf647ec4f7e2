/**
 * The text of a Server-Sent Events stream (docs/studio.md): pure, so the format is unit-tested
 * without a server.
 */

/** The event names of a job's stream. */
export type JobEventName = 'progress' | 'keyframe' | 'done' | 'error';

/** One event: its id (the job's event number), name and JSON data. */
export interface JobEvent {
  readonly id: number;
  readonly event: JobEventName;
  readonly data: unknown;
}

/** How long a client waits before reconnecting after a drop, in ms. */
export const RETRY_MS = 1000;
/** Between pings (comment lines), so idle proxies keep the stream open. */
export const PING_MS = 15_000;

/** The first bytes of every stream. */
export function retryLine(ms = RETRY_MS): string {
  return `retry: ${ms}\n\n`;
}

/** A comment line: ignored by clients, keeps the connection alive. */
export function pingLine(): string {
  return ': ping\n\n';
}

/** One event as the stream carries it; the data is one line of JSON (JSON.stringify escapes newlines). */
export function formatEvent(e: JobEvent): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

/** The Last-Event-ID a reconnecting client sent: a whole number, else 0 (send everything). */
export function parseLastEventId(header: unknown): number {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value.trim())) return 0;
  return Number(value.trim());
}
