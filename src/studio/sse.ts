// A Server-Sent Events parser for a stream read with fetch (EventSource cannot send the key
// header). It follows the HTML event-stream rules: CR, LF or CRLF line ends, `:` comments,
// multi-line `data`, an `id` that persists until changed, `retry`. No DOM here: unit tests import it.

/** One dispatched event. */
export interface SseEvent {
  /** `message` when the event named none. */
  readonly event: string;
  readonly data: string;
  /** The last event id seen so far (sent back as Last-Event-ID on reconnect). */
  readonly id: string;
}

/** Incremental parser: feed it decoded text as it arrives, get whole events back. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private sawData = false;
  /** The last event id, kept across events as the spec says. */
  lastEventId = '';
  /** Reconnection delay the server asked for, in ms. */
  retryMs: number | null = null;

  /** Parses `chunk` and returns the events it completed. */
  feed(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buffer);
      // A lone CR at the end may be the first half of CRLF: wait for more.
      if (!m || (m[0] === '\r' && m.index === this.buffer.length - 1)) break;
      const line = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const e = this.line(line);
      if (e) out.push(e);
    }
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.data.push(value);
      this.sawData = true;
    } else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return null;
  }

  private dispatch(): SseEvent | null {
    const e = this.sawData ? { event: this.event || 'message', data: this.data.join('\n'), id: this.lastEventId } : null;
    this.data = [];
    this.event = '';
    this.sawData = false;
    return e;
  }
}
