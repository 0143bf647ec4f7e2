import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';

/** What the first bytes of a JSON body say about its top-level `key`: its value, a refusal, or nothing to go on. */
export type KeyVerdict = { readonly key: string } | 'invalid' | 'unknown';

const WS = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]); // whitespace, and a UTF-8 BOM's bytes
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Finds the top-level `"key": "<value>"` member of a JSON object as its bytes arrive, without
 * buffering the body: it only tracks strings and nesting. `invalid` when the key is not a string or
 * longer than any configured key; `unknown` when it cannot tell (not a JSON object, escapes in the
 * name or value, no key member): the parsed body decides then. Structural JSON bytes are ASCII, so
 * multi-byte UTF-8 never confuses it.
 */
export class KeyScanner {
  private state: 'start' | 'member' | 'name' | 'colon' | 'value' | 'keyString' = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private name: number[] = [];
  private nameEscaped = false;
  private isKey = false;
  private value: number[] = [];
  private verdict: KeyVerdict | undefined;

  constructor(private readonly maxKeyBytes: number) {}

  /** Feeds the next bytes; returns the verdict once there is one (and keeps returning it). */
  feed(chunk: Uint8Array): KeyVerdict | undefined {
    for (let i = 0; i < chunk.length && this.verdict === undefined; i++) this.step(chunk[i]!);
    return this.verdict;
  }

  private step(b: number): void {
    switch (this.state) {
      case 'start':
        if (b === 0x7b) [this.depth, this.state] = [1, 'member'];
        else if (!WS.has(b)) this.verdict = 'unknown';
        return;
      case 'member':
        if (b === QUOTE) [this.state, this.name, this.nameEscaped] = ['name', [], false];
        else if (!WS.has(b)) this.verdict = 'unknown'; // `}` (no key member) or malformed: the parser decides
        return;
      case 'name':
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) [this.escaped, this.nameEscaped] = [true, true];
        else if (b === QUOTE) [this.state, this.isKey] = ['colon', !this.nameEscaped && String.fromCharCode(...this.name) === 'key'];
        else if (this.name.length < 4) this.name.push(b);
        else this.nameEscaped = true; // longer than "key": not it
        return;
      case 'colon':
        if (b === 0x3a) this.state = 'value';
        else if (!WS.has(b)) this.verdict = 'unknown';
        return;
      case 'value':
        if (this.isKey) return this.keyValueStart(b);
        return this.skipValue(b);
      case 'keyString':
        if (b === BACKSLASH) this.verdict = 'unknown';
        else if (b === QUOTE) this.verdict = { key: Buffer.from(this.value).toString('utf8') };
        else if (this.value.length >= this.maxKeyBytes) this.verdict = 'invalid';
        else this.value.push(b);
        return;
    }
  }

  private keyValueStart(b: number): void {
    if (WS.has(b)) return;
    if (b === QUOTE) [this.state, this.value] = ['keyString', []];
    // null, a number, an object: never a valid key.
    else this.verdict = 'invalid';
  }

  /** Skips another member's value, whatever its nesting, until the `,` that ends it at the top level. */
  private skipValue(b: number): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === BACKSLASH) this.escaped = true;
      else if (b === QUOTE) this.inString = false;
      return;
    }
    if (b === QUOTE) this.inString = true;
    else if (b === 0x7b || b === 0x5b) this.depth++;
    else if (b === 0x7d || b === 0x5d) {
      if (--this.depth === 0) this.verdict = 'unknown';
    } else if (b === 0x2c && this.depth === 1) this.state = 'member';
  }
}

/**
 * A few slots for bodies whose key is not known yet: each such body may show `freeBytes` before it
 * needs a slot, and waits (unread, so TCP holds the client back) until one is free. So strangers'
 * big bodies are read a few at a time, however many arrive at once.
 */
export class BodyGate {
  private active = 0;
  private readonly waiting = new Set<() => void>();

  constructor(
    readonly slots: number,
    readonly freeBytes: number,
  ) {}

  /** Resolves with a release function once a slot is free; gives up (resolves null) when `req` closes first. */
  acquire(req: IncomingMessage): Promise<(() => void) | null> {
    return new Promise((resolve) => {
      const grant = (): void => {
        this.active++;
        let held = true;
        resolve(() => {
          if (!held) return;
          held = false;
          this.active--;
          const next = this.waiting.values().next();
          if (!next.done) {
            this.waiting.delete(next.value);
            next.value();
          }
        });
      };
      if (this.active < this.slots) return grant();
      const waiter = (): void => {
        req.off('close', gone);
        grant();
      };
      const gone = (): void => {
        this.waiting.delete(waiter);
        resolve(null);
      };
      this.waiting.add(waiter);
      req.once('close', gone);
    });
  }
}

/** What the sniffer needs: the gate, the longest configured key, the check, and the refusal to fail with. */
export interface SniffOptions {
  readonly gate: BodyGate;
  readonly maxKeyBytes: number;
  /** True when the key is allowed. */
  readonly check: (key: string) => boolean;
  /** The error the body stream fails with when the key is refused (Fastify answers its statusCode). */
  readonly refuse: () => Error;
}

/**
 * The body as a stream that passes every byte on unchanged while `KeyScanner` reads it: a refused key
 * fails the stream at once (the rest of the body is never read); past `gate.freeBytes` without an
 * accepted key, the body waits for a gate slot, held until the body ends.
 */
export function sniffBodyKey(payload: Readable, req: IncomingMessage, o: SniffOptions): Transform {
  const scanner = new KeyScanner(o.maxKeyBytes);
  let seen = 0;
  let accepted = false;
  let release: (() => void) | null = null;
  const out = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      seen += chunk.length;
      const verdict = accepted ? undefined : scanner.feed(chunk);
      if (verdict === 'invalid' || (typeof verdict === 'object' && !o.check(verdict.key))) return callback(o.refuse());
      if (typeof verdict === 'object') {
        accepted = true;
        release?.();
      }
      if (accepted || release || seen <= o.gate.freeBytes) return callback(null, chunk);
      o.gate.acquire(req).then((r) => {
        release = r;
        callback(r ? null : new Error('request closed'), chunk);
      }, callback);
    },
  });
  const done = (): void => release?.();
  out.once('close', done);
  req.once('close', done);
  payload.on('error', (err) => out.destroy(err));
  return payload.pipe(out);
}
