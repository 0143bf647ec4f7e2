import { statfsSync } from 'node:fs';
import { ZoomwalkError } from '../../errors.js';

/** What a job that ran out of space ends with: no path, no internal detail (the log has those). */
export const DISK_FULL_JOB_MESSAGE = 'disk full: the server ran out of space in its data directory while rendering; try again later';

/** Codes and messages of "no space" from the OS, SQLite and ffmpeg (whose stderr is in an EncoderError's message). */
const CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const MESSAGES = /No space left on device|ENOSPC|database or disk is full|Disk quota exceeded/i;

/** True when `err` (or any error in its cause chain) says the disk or the database is full. */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && CODES.has(code)) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    if (e instanceof ZoomwalkError && e.code === 'ZW_DISK_FULL') return true;
  }
  return false;
}

/** Bytes available to this process in the file system holding `dir`; Infinity when statfs is unavailable. */
export function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** The 507 a submission gets when the data directory is full. */
export function diskFullError(detail = 'no space left in the data directory'): ZoomwalkError {
  return new ZoomwalkError('ZW_DISK_FULL', `disk full: ${detail}; the job was not queued, try again once space is freed`);
}

/**
 * Refuses a submission (507) unless `needed` bytes plus the operator's reserve are free in `dir`:
 * a render that fills the disk fails, and reads (fetch, outputs) keep working while it is full.
 */
export function ensureFreeSpace(dir: string, needed: number, reserve: number): void {
  const free = freeBytes(dir);
  if (free < needed + reserve) throw diskFullError(`${free} bytes free, ${needed + reserve} needed (${reserve} kept in reserve)`);
}

/** Runs `fn`; a "no space" failure becomes the 507 ZW_DISK_FULL, anything else is rethrown as is. */
export async function orDiskFull<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isDiskFull(err) && !(err instanceof ZoomwalkError && err.code === 'ZW_DISK_FULL')) throw diskFullError();
    throw err;
  }
}
