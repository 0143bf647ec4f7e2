import { appendFileSync, mkdirSync, openSync, readFileSync, readSync, closeSync, fstatSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobRecord } from '../jobs/types.js';

/** A job's progress as the v5 fetch answer and the `progress` event carry it. */
export type JobProgress = NonNullable<JobRecord['progress']>;

/** One line of a job's event journal: what its runner reported, numbered in order from 1. */
export type JournalEntry =
  | { readonly seq: number; readonly type: 'progress'; readonly progress: JobProgress }
  | { readonly seq: number; readonly type: 'keyframe'; readonly index: number; readonly sample: number; readonly file: string; readonly width: number; readonly height: number };

/** A keyframe entry without its number (the journal gives it one). */
export type KeyframeNote = Omit<Extract<JournalEntry, { type: 'keyframe' }>, 'seq' | 'type'>;

const JOURNAL = 'events.jsonl';
const LATEST_THUMBNAIL = 'thumbnail';

/** The journal's file: beside the job's checkpoints, so it lives and goes with them. */
export function journalPath(checkpointsDir: string, jobId: string): string {
  return join(checkpointsDir, jobId.replace(/[^A-Za-z0-9_-]/g, ''), JOURNAL);
}

/** Parses complete lines; a torn last line (a crash mid-append) is skipped. */
function parseLines(text: string): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as JournalEntry);
    } catch {
      // torn line
    }
  }
  return out;
}

/**
 * The writer a job's runner reports through. Every event the job emits gets the next number, kept
 * across a restart (numbering goes on from the last line), so every listener, on any machine that
 * sees the file, gives an event the same id.
 */
export interface JobJournal {
  progress(p: JobProgress): void;
  keyframe(k: KeyframeNote): void;
}

/** Opens (creating) the journal of job `jobId`. */
export function openJournal(checkpointsDir: string, jobId: string): JobJournal {
  const file = journalPath(checkpointsDir, jobId);
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true });
  let seq = 0;
  try {
    seq = parseLines(readFileSync(file, 'utf8')).at(-1)?.seq ?? 0;
  } catch {
    // a new journal
  }
  const append = (entry: Record<string, unknown>): void => appendFileSync(file, `${JSON.stringify({ seq: ++seq, ...entry })}\n`);
  return {
    progress: (progress) => append({ type: 'progress', progress }),
    keyframe: (k) => {
      append({ type: 'keyframe', ...k });
      // The listing's thumbnail: one small file, not a scan of the journal per row.
      writeFileSync(join(dir, `${LATEST_THUMBNAIL}.tmp`), k.file);
      renameSync(join(dir, `${LATEST_THUMBNAIL}.tmp`), join(dir, LATEST_THUMBNAIL));
    },
  };
}

/** Entries of a job's journal from byte `offset` on, and the offset after the last complete line. */
export function readJournal(checkpointsDir: string, jobId: string, offset = 0): { entries: JournalEntry[]; offset: number } {
  let fd: number;
  try {
    fd = openSync(journalPath(checkpointsDir, jobId), 'r');
  } catch {
    return { entries: [], offset };
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return { entries: [], offset };
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    // Only whole lines: a line being appended is read at the next poll.
    const end = buf.lastIndexOf(0x0a) + 1;
    return { entries: parseLines(buf.subarray(0, end).toString('utf8')), offset: offset + end };
  } finally {
    closeSync(fd);
  }
}

/** The file name of job `jobId`'s latest keyframe thumbnail, or null. */
export function latestThumbnail(checkpointsDir: string, jobId: string): string | null {
  try {
    const name = readFileSync(join(journalPath(checkpointsDir, jobId), '..', LATEST_THUMBNAIL), 'utf8').trim();
    return name || null;
  } catch {
    return null;
  }
}
