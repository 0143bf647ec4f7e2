import type Database from 'better-sqlite3';
import { isDiskFull } from './disk-full.js';

/** One webhook delivery: a job's result, to be POSTed once to its URL. */
export interface OutboxEntry {
  readonly jobId: string;
  readonly url: string;
  /** The JSON body, fixed when the job finished. */
  readonly payload: string;
  /** Tries made so far. */
  readonly attempts: number;
  /** When the next try is due, ms since the epoch. */
  readonly nextAt: number;
  readonly state: 'pending' | 'delivered' | 'failed';
}

interface Row {
  job_id: string;
  url: string;
  payload: string;
  attempts: number;
  next_at: number;
  state: OutboxEntry['state'];
}

const fromRow = (r: Row): OutboxEntry => ({ jobId: r.job_id, url: r.url, payload: r.payload, attempts: r.attempts, nextAt: r.next_at, state: r.state });

/**
 * The webhook outbox: a table beside the jobs (same connection), one row per job (its primary
 * key), so a delivery survives a restart and a job is never announced twice. Entries that cannot
 * be written because the disk is full are kept in memory and still delivered by this process.
 */
export class OutboxStore {
  private readonly memory = new Map<string, OutboxEntry>();

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS webhook_outbox (
      job_id TEXT PRIMARY KEY, url TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'pending', updated_at INTEGER NOT NULL)`);
    db.exec('CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox(state, next_at)');
  }

  /** Adds a job's delivery, due now; false when that job already has one (exactly once per job). */
  add(jobId: string, url: string, payload: string): boolean {
    if (this.memory.has(jobId)) return false;
    const now = Date.now();
    try {
      return this.db.prepare('INSERT OR IGNORE INTO webhook_outbox (job_id, url, payload, next_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(jobId, url, payload, now, now).changes === 1;
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.memory.set(jobId, { jobId, url, payload, attempts: 0, nextAt: now, state: 'pending' });
      return true;
    }
  }

  /** Pending deliveries due by `now`, oldest due first. */
  due(now: number, limit: number): OutboxEntry[] {
    const rows = (this.db.prepare("SELECT * FROM webhook_outbox WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?").all(now, limit) as Row[]).map(fromRow);
    const held = [...this.memory.values()].filter((e) => e.state === 'pending' && e.nextAt <= now);
    return [...held, ...rows.filter((r) => !this.memory.has(r.jobId))].slice(0, limit);
  }

  /** When the next pending delivery is due; null when none is. */
  nextDue(): number | null {
    const row = this.db.prepare("SELECT MIN(next_at) AS at FROM webhook_outbox WHERE state = 'pending'").get() as { at: number | null };
    const held = [...this.memory.values()].filter((e) => e.state === 'pending').map((e) => e.nextAt);
    const all = [...held, ...(row.at === null ? [] : [row.at])];
    return all.length ? Math.min(...all) : null;
  }

  /** Records the outcome of a try. */
  record(entry: OutboxEntry, patch: Pick<OutboxEntry, 'attempts' | 'nextAt' | 'state'>): void {
    const next = { ...entry, ...patch };
    if (this.memory.has(entry.jobId)) {
      this.memory.set(entry.jobId, next);
      return;
    }
    try {
      this.db.prepare('UPDATE webhook_outbox SET attempts = ?, next_at = ?, state = ?, updated_at = ? WHERE job_id = ?').run(next.attempts, next.nextAt, next.state, Date.now(), entry.jobId);
    } catch (err) {
      if (!isDiskFull(err)) throw err;
      this.memory.set(entry.jobId, next);
    }
  }

  /** The delivery of a job, if it has one. */
  get(jobId: string): OutboxEntry | null {
    const row = this.db.prepare('SELECT * FROM webhook_outbox WHERE job_id = ?').get(jobId) as Row | undefined;
    return this.memory.get(jobId) ?? (row ? fromRow(row) : null);
  }

  /** Forgets a job's delivery (retention removes the job). */
  remove(jobId: string): void {
    this.memory.delete(jobId);
    this.db.prepare('DELETE FROM webhook_outbox WHERE job_id = ?').run(jobId);
  }
}
