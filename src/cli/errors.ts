import { ZoomwalkError } from '../errors.js';

/** Exit codes: 0 success, 1 runtime failure, 2 usage or validation error, 130 aborted. */
export const EXIT = { ok: 0, runtime: 1, usage: 2, aborted: 130 } as const;

/** Maps any thrown value to the CLI's exit code and one clear line (stack only when verbose). */
export function describeError(err: unknown, verbose: boolean): { code: number; text: string } {
  if (err instanceof ZoomwalkError) {
    const code = err.kind === 'validation' ? EXIT.usage : err.kind === 'aborted' ? EXIT.aborted : EXIT.runtime;
    return { code, text: verbose ? `${err.code}: ${err.stack ?? err.message}` : err.message };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: EXIT.runtime, text: verbose ? (e.stack ?? e.message) : e.message };
}
