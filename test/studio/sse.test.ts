import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/studio/sse.js';

describe('studio SSE parser', () => {
  it('dispatches events at blank lines with their name, data and id', () => {
    const p = new SseParser();
    const events = p.feed('retry: 1000\n\nid: 1\nevent: progress\ndata: {"a":1}\n\nid: 2\nevent: keyframe\ndata: {"index":1}\n\n');
    expect(events).toEqual([
      { event: 'progress', data: '{"a":1}', id: '1' },
      { event: 'keyframe', data: '{"index":1}', id: '2' },
    ]);
    expect(p.retryMs).toBe(1000);
    expect(p.lastEventId).toBe('2');
  });

  it('keeps partial lines and events across chunks, whatever the split', () => {
    const text = 'id: 7\nevent: done\ndata: {"output":["/generations/x.mp4"]}\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const events = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))];
      expect(events).toEqual([{ event: 'done', data: '{"output":["/generations/x.mp4"]}', id: '7' }]);
    }
  });

  it('accepts CRLF and CR line ends, a CRLF split between chunks included', () => {
    const p = new SseParser();
    // A CR ending a chunk may be half a CRLF, so it ends its line only when the next chunk comes.
    expect([...p.feed('data: a\r'), ...p.feed('\n\r\n'), ...p.feed('data: b\r\r')]).toEqual([{ event: 'message', data: 'a', id: '' }]);
    expect(p.feed('data: c\n\n')).toEqual([
      { event: 'message', data: 'b', id: '' },
      { event: 'message', data: 'c', id: '' },
    ]);
  });

  it('joins multi-line data, skips comments and empty events, and keeps the last id for events without one', () => {
    const p = new SseParser();
    const events = p.feed(': ping\n\nid: 3\n\ndata: line one\ndata:line two\n\nevent: progress\n\n');
    expect(events).toEqual([{ event: 'message', data: 'line one\nline two', id: '3' }]);
  });

  it('ignores an id with NUL and a non-numeric retry, and drops an event cut off by the end of the stream', () => {
    const p = new SseParser();
    expect(p.feed('id: 5\n\nid: 6\0\nretry: soon\ndata: x\n\ndata: unfinished')).toEqual([{ event: 'message', data: 'x', id: '5' }]);
    expect(p.retryMs).toBeNull();
  });
});
