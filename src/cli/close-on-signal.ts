import { once } from 'node:events';

/**
 * Waits for `signal`, then runs `close` with a hard deadline: what `close` cannot end (a render that
 * ignores its abort, a stuck socket) does not keep the process past `deadlineMs`. The deadline timer
 * is ref'd, so the process cannot end with `close` still pending (Node's exit 13); once closed,
 * nothing (a retry's backoff timer, a thread winding down) may keep it alive either.
 */
export async function closeOnSignal(signal: AbortSignal, close: () => Promise<void>, o: { log: (message: string) => void; what: string; deadlineMs: number }): Promise<void> {
  if (!signal.aborted) await once(signal, 'abort');
  o.log(o.what);
  const deadline = setTimeout(() => {
    o.log(`still closing after ${o.deadlineMs} ms: exiting now`);
    process.exit(process.exitCode ?? 0);
  }, o.deadlineMs);
  await close();
  clearTimeout(deadline);
  setTimeout(() => process.exit(), 200).unref();
}
