import { ZoomwalkError } from '../errors.js';

/** Exit codes: 0 success, 1 runtime failure, 2 usage or validation error, 130 aborted (see docs/errors.md). */
export const EXIT = { ok: 0, runtime: 1, usage: 2, aborted: 130 } as const;

/** Maps any thrown value to the CLI's exit code and one clear line (stack only when verbose). */
export function describeError(err: unknown, verbose: boolean): { code: number; text: string } {
  if (err instanceof ZoomwalkError) {
    return { code: err.exitCode, text: verbose ? `${err.code}: ${err.stack ?? err.message}` : err.message };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: EXIT.runtime, text: verbose ? (e.stack ?? e.message) : e.message };
}
