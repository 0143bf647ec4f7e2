import type { JobRecord } from '../jobs/types.js';
import type { JournalEntry } from './journal.js';
import type { JobEvent } from './sse.js';

/** At most this many progress events a second per listener. */
export const PROGRESS_PER_SECOND = 4;

/** What turns journal entries and a finished job into event data (the route knows the URLs). */
export interface EventRenderers {
  keyframe(entry: Extract<JournalEntry, { type: 'keyframe' }>): unknown;
  /** `done` data for a job that succeeded. */
  done(job: JobRecord): unknown;
  /** `error` data for a job that failed or was cancelled, or is gone (null). */
  error(job: JobRecord | null, id: string): unknown;
}

const ended = (job: JobRecord | null): boolean => job === null || (job.status !== 'queued' && job.status !== 'processing');
const statusOf = (job: JobRecord | null): 'queued' | 'processing' => (job?.status === 'queued' ? 'queued' : 'processing');

/**
 * One listener's view of a job's events: what to send on connect (the replay) and after each
 * poll. Pure: the route feeds it journal entries, the job record and the time. Progress is
 * throttled to PROGRESS_PER_SECOND: a report inside the window is held and sent when the window
 * ends (a newer one replaces it), so the latest is never lost; keyframes are never throttled.
 */
export class JobEventStream {
  private lastSeq = 0;
  private lastSentId = 0;
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  private held: JobEvent | null = null;
  private finished = false;
  private readonly interval = 1000 / PROGRESS_PER_SECOND;

  constructor(
    private readonly jobId: string,
    private readonly render: EventRenderers,
  ) {}

  /** True once `done` or `error` was produced: the route ends the response. */
  get over(): boolean {
    return this.finished;
  }

  /**
   * The replay on connect, in id order: every keyframe after `lastEventId`, the latest progress,
   * then done or error if the job has ended. `entries` is the whole journal.
   */
  start(entries: readonly JournalEntry[], job: JobRecord | null, lastEventId: number, now: number): JobEvent[] {
    const out: JobEvent[] = [];
    let latest: Extract<JournalEntry, { type: 'progress' }> | null = null;
    for (const e of entries) {
      this.lastSeq = Math.max(this.lastSeq, e.seq);
      if (e.type === 'keyframe' && e.seq > lastEventId) out.push({ id: e.seq, event: 'keyframe', data: this.render.keyframe(e) });
      if (e.type === 'progress') latest = e;
    }
    if (!ended(job)) {
      // A queued job that never ran has no report yet: its state has the id of the journal so far (0).
      out.push(latest ? this.progress(latest, job) : { id: this.lastSeq, event: 'progress', data: { status: statusOf(job), progress: job?.progress ?? null } });
      this.lastProgressAt = now;
    }
    return this.emit(out, job);
  }

  /** The events after a poll: `entries` are the journal's new lines, `job` the record read just before them. */
  update(entries: readonly JournalEntry[], job: JobRecord | null, now: number): JobEvent[] {
    if (this.finished) return [];
    const out: JobEvent[] = [];
    let latest: Extract<JournalEntry, { type: 'progress' }> | null = null;
    for (const e of entries) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      if (e.type === 'keyframe') out.push({ id: e.seq, event: 'keyframe', data: this.render.keyframe(e) });
      else latest = e;
    }
    if (latest && !ended(job)) this.held = this.progress(latest, job);
    const due = this.flush(now);
    // Keyframes and progress in id order.
    return this.emit([...out, ...due].sort((a, b) => a.id - b.id), job);
  }

  /** When the held progress report may go (ms, the clock of `now`), or null when none is held. */
  nextDue(): number | null {
    return this.held && !this.finished ? this.lastProgressAt + this.interval : null;
  }

  /** The held report if its window has ended; older than an event already sent, it is dropped (the report after every keyframe supersedes it). */
  flush(now: number): JobEvent[] {
    if (!this.held || this.finished || now < this.lastProgressAt + this.interval) return [];
    const e = this.held;
    this.held = null;
    if (e.id <= this.lastSentId) return [];
    this.lastProgressAt = now;
    return [e];
  }

  private progress(e: Extract<JournalEntry, { type: 'progress' }>, job: JobRecord | null): JobEvent {
    return { id: e.seq, event: 'progress', data: { status: statusOf(job), progress: e.progress } };
  }

  /** Records what goes out, and appends the last event when the job has ended (a held report is superseded by it). */
  private emit(events: JobEvent[], job: JobRecord | null): JobEvent[] {
    if (ended(job)) {
      this.held = null;
      this.finished = true;
      const id = this.lastSeq + 1;
      events.push(job?.status === 'success' ? { id, event: 'done', data: this.render.done(job) } : { id, event: 'error', data: this.render.error(job, this.jobId) });
    }
    for (const e of events) this.lastSentId = Math.max(this.lastSentId, e.id);
    return events;
  }
}
