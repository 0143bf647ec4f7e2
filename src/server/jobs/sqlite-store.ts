import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { JobRecord, JobStatus } from './types.js';

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
}

function fromRow(r: Row): JobRecord {
  return {
    id: r.id,
    status: r.status,
    request: JSON.parse(r.request) as Record<string, unknown>,
    outputs: JSON.parse(r.outputs) as string[],
    meta: r.meta ? (JSON.parse(r.meta) as Record<string, unknown>) : null,
    error: r.error,
    progress: r.progress ? (JSON.parse(r.progress) as JobRecord['progress']) : null,
    generationTime: r.generation_time,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Job state in SQLite (WAL) under the data directory, so jobs survive a restart. */
export class SqliteJobStore {
  private readonly db: Database.Database;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'jobs.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY, status TEXT NOT NULL, request TEXT NOT NULL, outputs TEXT NOT NULL DEFAULT '[]',
      meta TEXT, error TEXT, progress TEXT, generation_time REAL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)`);
    this.db.exec('CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_at)');
  }

  /** Inserts a queued job and returns it. */
  create(request: Record<string, unknown>): JobRecord {
    const now = Date.now();
    const id = randomUUID();
    this.db.prepare('INSERT INTO jobs (id, status, request, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, 'queued', JSON.stringify(request), now, now);
    return this.get(id)!;
  }

  get(id: string): JobRecord | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  list(limit: number): JobRecord[] {
    return (this.db.prepare('SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?').all(limit) as Row[]).map(fromRow);
  }

  /** Jobs a restart must pick up again, oldest first. */
  unfinished(): JobRecord[] {
    return (this.db.prepare("SELECT * FROM jobs WHERE status IN ('queued', 'processing') ORDER BY created_at").all() as Row[]).map(fromRow);
  }

  /** Updates the given columns of a job. */
  update(id: string, patch: Partial<Pick<JobRecord, 'status' | 'outputs' | 'meta' | 'error' | 'progress' | 'generationTime'>>): void {
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
    this.db.close();
  }
}
