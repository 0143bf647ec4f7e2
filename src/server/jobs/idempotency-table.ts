import type Database from 'better-sqlite3';
import { MARK_TTL_S } from './redis/keys.js';

/** How long a key names its job (the Redis queue's keys live as long). */
export const IDEMPOTENCY_TTL_MS = MARK_TTL_S * 1000;

/**
 * The embedded queue's `Idempotency-Key`s: a table beside the jobs (same connection), one row per
 * owner and key naming the job the first submission created. The queue returns that job while it
 * exists and the key is younger than IDEMPOTENCY_TTL_MS, as the Redis queue does.
 */
export class IdempotencyTable {
  constructor(private readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS idempotency_keys (owner TEXT NOT NULL, key TEXT NOT NULL, job_id TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (owner, key))');
    db.exec('CREATE INDEX IF NOT EXISTS idempotency_keys_job ON idempotency_keys(job_id)');
  }

  /** The job an owner's key names, or null (none, or older than the TTL). */
  lookup(owner: string | null, key: string, now = Date.now()): string | null {
    const row = this.db.prepare('SELECT job_id FROM idempotency_keys WHERE owner = ? AND key = ? AND created_at > ?').get(owner ?? '-', key, now - IDEMPOTENCY_TTL_MS) as { job_id: string } | undefined;
    return row?.job_id ?? null;
  }

  /** Makes an owner's key name a job (replacing a key whose job is gone or expired). */
  remember(owner: string | null, key: string, jobId: string, now = Date.now()): void {
    this.db.prepare('INSERT OR REPLACE INTO idempotency_keys (owner, key, job_id, created_at) VALUES (?, ?, ?, ?)').run(owner ?? '-', key, jobId, now);
  }

  /** Forgets the keys of a removed job. */
  forget(jobId: string): void {
    this.db.prepare('DELETE FROM idempotency_keys WHERE job_id = ?').run(jobId);
  }
}
