import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ValidationError } from '../../errors.js';
import { isInlineImage } from '../../image/load.js';
import { diskFullError, isDiskFull } from './disk-full.js';
import { STORED_FILE_FIELDS } from './fields.js';
import type { JobPage, JobPageQuery, JobRecord, JobStatus, JobSummary } from './types.js';

interface Row {
  id: string;
  status: JobStatus;
  request: string;
  outputs: string;
  meta: string | null;
  error: string | null;
  progress: string | null;
  generation_time: number | null;
  created_at: number;
  updated_at: number;
  owner: string | null;
}

type SummaryRow = Pick<Row, 'id' | 'status' | 'progress' | 'error' | 'created_at' | 'updated_at'>;

function fromRow(r: Row): JobRecord {
  return {
    ...summaryOf(r),
    request: JSON.parse(r.request) as Record<string, unknown>,
    outputs: JSON.parse(r.outputs) as string[],
    meta: r.meta ? (JSON.parse(r.meta) as Record<string, unknown>) : null,
    generationTime: r.generation_time,
    owner: r.owner ?? null,
  };
}

function summaryOf(r: SummaryRow): JobSummary {
  return { id: r.id, status: r.status, error: r.error, progress: r.progress ? (JSON.parse(r.progress) as JobRecord['progress']) : null, createdAt: r.created_at, updatedAt: r.updated_at };
}

/**
 * The request as stored: an inline (base64) image is replaced by a one-line summary. The job reads
 * its admitted copy from the inputs directory, so the database never holds image bytes (20 inline
 * images once made a 462 MB database and a listing that took seconds).
 */
export function storedRequest(request: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(request).map(([k, v]) => [k, typeof v === 'string' && isInlineImage(v) ? `(inline image, ${v.length} characters)` : v]));
}

/** The listing cursor: the last row's (created_at, id), opaque to clients. */
function encodeCursor(r: SummaryRow): string {
  return Buffer.from(JSON.stringify([r.created_at, r.id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string' ? [v[0] as number, v[1]] : null;
  } catch {
    return null;
  }
}

/**
 * Job state in SQLite (WAL) under the data directory, so jobs survive a restart. When the disk is
 * full, a state change that cannot be written is kept in memory (`pending`) and written with the
 * next change that can: the job still reads as ended, and the server does not crash.
 */
export class SqliteJobStore {
  private readonly db: Database.Database;
  private readonly pending = new Map<string, JobRecord>();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'jobs.sqlite'));
    // One server per data directory (data-lock.ts), so SQLite may keep its WAL index in memory: a
    // shared-memory file cannot be created on a full disk, and the server must start there.
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY, status TEXT NOT NULL, request TEXT NOT NULL, outputs TEXT NOT NULL DEFAULT '[]',
      meta TEXT, error TEXT, progress TEXT, generation_time REAL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, owner TEXT)`);
    // Databases from before tenancy: their jobs have no owner, so only operators see them.
    const columns = this.db.prepare('PRAGMA table_info(jobs)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'owner')) this.db.exec('ALTER TABLE jobs ADD COLUMN owner TEXT');
    this.db.exec('CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_at)');
    this.db.exec('CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created_at, id)');
    this.db.exec('CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, created_at, id)');
  }

  /** The connection, for the tables that live beside the jobs (the webhook outbox). */
  get database(): Database.Database {
    return this.db;
  }

  /** Inserts a queued job and returns it; a full disk is the 507 ZW_DISK_FULL. */
  create(request: Record<string, unknown>, owner: string | null = null): JobRecord {
    const now = Date.now();
    const id = randomUUID();
    try {
      this.db.prepare('INSERT INTO jobs (id, status, request, created_at, updated_at, owner) VALUES (?, ?, ?, ?, ?, ?)').run(id, 'queued', JSON.stringify(storedRequest(request)), now, now, owner);
    } catch (err) {
      if (isDiskFull(err)) throw diskFullError();
      throw err;
    }
    return this.get(id)!;
  }

  get(id: string): JobRecord | null {
    const held = this.pending.get(id);
    if (held) return held;
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  list(limit: number): JobRecord[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as Row[]).map((r) => this.pending.get(r.id) ?? fromRow(r));
  }

  /** A page of small rows (no request, meta or outputs), newest first, for one owner or all. */
  page(q: JobPageQuery): JobPage {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.owner !== undefined) {
      where.push(q.owner === null ? 'owner IS NULL' : 'owner = ?');
      if (q.owner !== null) args.push(q.owner);
    }
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      if (!c) throw new ValidationError([{ path: 'cursor', message: 'is not a cursor this server handed out (use next_cursor of the previous page)' }]);
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      args.push(c[0], c[0], c[1]);
    }
    const sql = `SELECT id, status, progress, error, created_at, updated_at FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, q.limit + 1) as SummaryRow[];
    const more = rows.length > q.limit;
    const shown = rows.slice(0, q.limit);
    const jobs = shown.map((r) => {
      const held = this.pending.get(r.id);
      return held ? summaryOf({ ...r, status: held.status, error: held.error, progress: null, updated_at: held.updatedAt }) : summaryOf(r);
    });
    return { jobs, nextCursor: more ? encodeCursor(shown[shown.length - 1]!) : null };
  }

  /** Jobs a restart must pick up again, oldest first. */
  unfinished(): JobRecord[] {
    return (this.db.prepare("SELECT * FROM jobs WHERE status IN ('queued', 'processing') ORDER BY created_at").all() as Row[]).map(fromRow);
  }

  /** Finished jobs last updated before `before`, oldest first. */
  finishedBefore(before: number, limit: number): JobRecord[] {
    const rows = this.db.prepare("SELECT * FROM jobs WHERE status IN ('success', 'error', 'cancelled') AND updated_at < ? ORDER BY updated_at LIMIT ?").all(before, limit) as Row[];
    return rows.map(fromRow).filter((j) => !this.pending.has(j.id));
  }

  /** Stored input names that unfinished jobs still need. */
  inputsInUse(): Set<string> {
    const names = new Set<string>();
    for (const job of [...this.unfinished(), ...[...this.pending.values()].filter((j) => j.status === 'queued' || j.status === 'processing')]) {
      for (const field of STORED_FILE_FIELDS) {
        const name = job.request[field];
        if (typeof name === 'string') names.add(name);
      }
    }
    return names;
  }

  /** Deletes a job's record. */
  remove(id: string): void {
    this.pending.delete(id);
    this.db.prepare('DELETE FROM jobs WHERE id = ?').run(id);
  }

  /** Updates the given columns of a job; on a full disk the change is held in memory (see the class). */
  update(id: string, patch: Partial<Pick<JobRecord, 'status' | 'outputs' | 'meta' | 'error' | 'progress' | 'generationTime'>>): void {
    const held = this.pending.get(id);
    // A held change is written together with this one, so the row never goes back in time.
    const full = held ? { status: held.status, outputs: held.outputs, meta: held.meta, error: held.error, progress: held.progress, generationTime: held.generationTime, ...patch } : patch;
    try {
      this.write(id, full);
      this.pending.delete(id);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      const current = this.get(id);
      if (current) this.pending.set(id, { ...current, ...patch, updatedAt: Date.now() });
    }
  }

  /** True while a job's latest state is held in memory only (the disk was full). */
  isHeld(id: string): boolean {
    return this.pending.has(id);
  }

  /** Writes every change held while the disk was full; true when none is left. */
  flush(): boolean {
    for (const job of [...this.pending.values()]) {
      try {
        this.write(job.id, { status: job.status, outputs: job.outputs, meta: job.meta, error: job.error, progress: job.progress, generationTime: job.generationTime });
        this.pending.delete(job.id);
      } catch (err) {
        if (!isDiskFull(err)) throw err;
        return false;
      }
    }
    return true;
  }

  private write(id: string, patch: Partial<Pick<JobRecord, 'status' | 'outputs' | 'meta' | 'error' | 'progress' | 'generationTime'>>): void {
    const sets: string[] = ['updated_at = @updated_at'];
    const values: Record<string, unknown> = { id, updated_at: Date.now() };
    const set = (column: string, value: unknown): void => {
      sets.push(`${column} = @${column}`);
      values[column] = value;
    };
    const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));
    if (patch.status !== undefined) set('status', patch.status);
    if (patch.outputs !== undefined) set('outputs', JSON.stringify(patch.outputs));
    if (patch.meta !== undefined) set('meta', json(patch.meta));
    if (patch.error !== undefined) set('error', patch.error);
    if (patch.progress !== undefined) set('progress', json(patch.progress));
    if (patch.generationTime !== undefined) set('generation_time', patch.generationTime);
    this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(values);
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
