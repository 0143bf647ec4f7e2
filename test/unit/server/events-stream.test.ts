// The job event stream as pure functions: the SSE text, Last-Event-ID, the ids every listener
// agrees on, the replay on reconnect, and the progress throttle (at most 4 a second, the latest
// held and never lost).
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../src/server/events/journal.js';
import { formatEvent, parseLastEventId, pingLine, retryLine } from '../../../src/server/events/sse.js';
import { JobEventStream, type EventRenderers } from '../../../src/server/events/stream.js';
import type { JobRecord } from '../../../src/server/jobs/types.js';
import { SseParser } from '../../../src/studio/sse.js';

const job = (status: JobRecord['status'], extra: Partial<JobRecord> = {}): JobRecord => ({
  id: 'j1', status, request: {}, outputs: status === 'success' ? ['j1.mp4'] : [], meta: null, error: status === 'error' ? 'width: 5000 is above the maximum 2048' : status === 'cancelled' ? 'cancelled' : null,
  progress: null, generationTime: null, createdAt: 0, updatedAt: 0, owner: null, ...extra,
});
const renderers: EventRenderers = {
  keyframe: (e) => ({ index: e.index, sample: e.sample, url: `/generations/${e.file}` }),
  done: (j) => ({ status: 'success', id: j.id, output: j.outputs }),
  error: (j, id) => ({ status: j?.status ?? 'error', id, message: j?.error ?? 'gone' }),
};
const p = (seq: number, frames: number, keyframes = 0): JournalEntry => ({ seq, type: 'progress', progress: { frames, framesTotal: 13, keyframes, keyframesTotal: 3, etaSeconds: null } });
const k = (seq: number, index: number): JournalEntry => ({ seq, type: 'keyframe', index, sample: 0, file: `j1-k0-${index}.jpg`, width: 128, height: 96 });
/** A walk's journal: a first report, then for each of 3 keyframes the keyframe and the report after it, then frame reports. */
const JOURNAL: JournalEntry[] = [p(1, 0), p(2, 1, 1), k(3, 1), p(4, 5, 2), k(5, 2), p(6, 9, 3), k(7, 3), p(8, 13, 3)];
const ids = (events: { id: number }[]): number[] => events.map((e) => e.id);
const names = (events: { event: string }[]): string[] => events.map((e) => e.event);

describe('SSE text', () => {
  it('formats an event with id, name and one line of JSON, which the page\'s parser reads back', () => {
    const text = retryLine() + formatEvent({ id: 7, event: 'keyframe', data: { index: 2, prompt: 'two\nlines' } }) + pingLine();
    expect(text).toBe('retry: 1000\n\nid: 7\nevent: keyframe\ndata: {"index":2,"prompt":"two\\nlines"}\n\n: ping\n\n');
    const parser = new SseParser();
    expect(parser.feed(text)).toEqual([{ event: 'keyframe', data: '{"index":2,"prompt":"two\\nlines"}', id: '7' }]);
    expect(parser.retryMs).toBe(1000);
  });

  it('reads Last-Event-ID as a whole number, anything else as 0 (send everything)', () => {
    expect(parseLastEventId('12')).toBe(12);
    expect(parseLastEventId(' 3 ')).toBe(3);
    for (const bad of [undefined, '', 'abc', '-1', '1.5', '1e3', ['x']]) expect(parseLastEventId(bad)).toBe(0);
  });
});

describe('job event ids and replay', () => {
  it('gives every event the journal\'s number, the same for two listeners who connect at different times', () => {
    const early = new JobEventStream('j1', renderers);
    const got = [...early.start([], job('processing'), 0, 0)];
    let t = 0;
    for (const e of JOURNAL) got.push(...early.update([e], job('processing'), (t += 1000)));
    got.push(...early.update([], job('success'), t + 1000));
    // A second apart, nothing is throttled: every report and keyframe, then done after the last number.
    expect(ids(got)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(names(got).at(-1)).toBe('done');
    const late = new JobEventStream('j1', renderers).start(JOURNAL, job('success'), 0, 0);
    expect(late.map((e) => `${e.id}:${e.event}`)).toEqual(['3:keyframe', '5:keyframe', '7:keyframe', '9:done']);
    expect(late[0]!.data).toEqual({ index: 1, sample: 0, url: '/generations/j1-k0-1.jpg' });
  });

  it('resumes after Last-Event-ID: the keyframes after it, the latest progress, then the end; nothing missed, nothing repeated', () => {
    const running = new JobEventStream('j1', renderers).start(JOURNAL.slice(0, 6), job('processing'), 3, 0);
    expect(running.map((e) => `${e.id}:${e.event}`)).toEqual(['5:keyframe', '6:progress']);
    const ended = new JobEventStream('j1', renderers).start(JOURNAL, job('success'), 5, 0);
    expect(ended.map((e) => `${e.id}:${e.event}`)).toEqual(['7:keyframe', '9:done']);
    const failed = new JobEventStream('j1', renderers);
    expect(failed.start(JOURNAL.slice(0, 3), job('error'), 3, 0).map((e) => `${e.id}:${e.event}`)).toEqual(['4:error']);
    expect(failed.over).toBe(true);
    expect(failed.update([k(9, 3)], job('error'), 10)).toEqual([]);
  });

  it('says queued (id 0) for a job that has not run, and error for a job that is gone', () => {
    const s = new JobEventStream('j1', renderers);
    expect(s.start([], job('queued'), 0, 0)).toEqual([{ id: 0, event: 'progress', data: { status: 'queued', progress: null } }]);
    expect(s.update([], null, 5000)).toEqual([{ id: 1, event: 'error', data: { status: 'error', id: 'j1', message: 'gone' } }]);
  });
});

describe('progress throttle', () => {
  it('sends at most 4 progress events a second, holding the latest and sending it when the window ends', () => {
    const s = new JobEventStream('j1', renderers);
    const sent: { id: number; at: number }[] = s.start([p(1, 0)], job('processing'), 0, 0).map((e) => ({ id: e.id, at: 0 }));
    // 40 reports, 25 ms apart (40 a second) over one second, polled every 25 ms.
    for (let i = 0; i < 40; i++) {
      const now = 25 * (i + 1);
      for (const e of s.update([p(2 + i, i + 1)], job('processing'), now)) sent.push({ id: e.id, at: now });
    }
    for (let now = 1025; now <= 1500; now += 25) for (const e of s.update([], job('processing'), now)) sent.push({ id: e.id, at: now });
    // Every 250 ms at most, and the last report (41) is not lost though it came inside a window.
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(250);
    expect(sent.length).toBeLessThanOrEqual(1 + Math.ceil(1500 / 250));
    expect(sent.at(-1)!.id).toBe(41);
    expect(s.nextDue()).toBeNull();
  });

  it('never throttles keyframes, sends in id order, and drops a held report older than a keyframe already sent', () => {
    const s = new JobEventStream('j1', renderers);
    s.start([p(1, 0)], job('processing'), 0, 0);
    // Inside the window: the report is held, the keyframe after it goes at once.
    expect(ids(s.update([p(2, 1, 1), k(3, 1)], job('processing'), 100))).toEqual([3]);
    expect(s.nextDue()).toBe(250);
    // The held report 2 is older than keyframe 3: the report after the keyframe (4) supersedes it.
    expect(s.update([], job('processing'), 260)).toEqual([]);
    expect(ids(s.update([p(4, 5, 2), k(5, 2)], job('processing'), 300))).toEqual([4, 5]);
  });

  it('ends with done and nothing after it: a report held when the job ends is superseded by done', () => {
    const s = new JobEventStream('j1', renderers);
    s.start([p(1, 0)], job('processing'), 0, 0);
    expect(s.update([p(2, 3)], job('processing'), 10)).toEqual([]);
    expect(names(s.update([p(3, 13)], job('success'), 20))).toEqual(['done']);
    expect(s.over).toBe(true);
    expect(s.nextDue()).toBeNull();
  });
});
