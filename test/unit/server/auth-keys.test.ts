// Key checks (issue #11, defects 4 and 11): the constant-time compare, and the scanner that finds a
// JSON body's top-level "key" while the body streams in.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { keyAllowed, keyId } from '../../../src/server/auth.js';
import { BodyGate, KeyScanner, type KeyVerdict } from '../../../src/server/body-key.js';

describe('keyAllowed: constant time, whatever the length', () => {
  const auth = { open: false, keys: ['s3cret-key-one', 'k2'] };

  it('accepts each configured key', () => {
    expect(keyAllowed(auth, 's3cret-key-one')).toBe(true);
    expect(keyAllowed(auth, 'k2')).toBe(true);
  });

  it('refuses keys of other lengths: prefixes, extensions, empty, huge, and non-strings', () => {
    for (const k of ['s3cret-key-on', 's3cret-key-one!', 's', 'k', 'k22', '', 'x'.repeat(1_000_000), 's3cret-key-one\0', 'S3CRET-KEY-ONE']) expect(keyAllowed(auth, k), JSON.stringify(k.slice(0, 20))).toBe(false);
    for (const k of [undefined, null, 42, ['k2'], { k: 'k2' }]) expect(keyAllowed(auth, k)).toBe(false);
  });

  it('accepts anything when auth is open, nothing when no key is configured', () => {
    expect(keyAllowed({ open: true, keys: [] }, undefined)).toBe(true);
    expect(keyAllowed({ open: false, keys: [] }, 'anything')).toBe(false);
  });

  it('names a key by a hash that does not contain it', () => {
    expect(keyId('s3cret-key-one')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(keyId('s3cret-key-one')).not.toContain('s3cret');
    expect(keyId('a')).not.toBe(keyId('b'));
  });
});

/** The verdict for `json` fed whole, and fed one byte at a time (they must agree). */
function scan(json: string, maxKeyBytes = 64): KeyVerdict | undefined {
  const bytes = Buffer.from(json, 'utf8');
  const whole = new KeyScanner(maxKeyBytes).feed(bytes);
  const byByte = new KeyScanner(maxKeyBytes);
  let v: KeyVerdict | undefined;
  for (const b of bytes) v = byByte.feed(Uint8Array.of(b)) ?? v;
  expect(v).toEqual(whole);
  return whole;
}

describe('KeyScanner: the top-level "key" of a streaming JSON body', () => {
  it('finds it first, after other members, after nested look-alikes, with whitespace and a BOM', () => {
    expect(scan('{"key":"abc","image":"AAAA')).toEqual({ key: 'abc' });
    expect(scan('\uFEFF \n{ "key" :\t"abc" }')).toEqual({ key: 'abc' });
    expect(scan('{"a":{"key":"inner"},"b":["key",{"key":1}],"c":"\\"key\\":\\"s\\"","keys":"x","key":"top"}')).toEqual({ key: 'top' });
    expect(scan('{"key":"ключ"}')).toEqual({ key: 'ключ' });
  });

  it('refuses a key that is not a string, or longer than every configured key', () => {
    expect(scan('{"key":null,"image":"')).toBe('invalid');
    expect(scan('{"key":12345}')).toBe('invalid');
    expect(scan('{"key":{"a":1}}')).toBe('invalid');
    expect(scan('{"key":"abcd"}', 3)).toBe('invalid');
    expect(scan('{"key":"abc"}', 3)).toEqual({ key: 'abc' });
  });

  it('leaves to the parser what it cannot tell: escapes, no key member, not an object', () => {
    expect(scan('{"key":"a\\u0062c"}')).toBe('unknown');
    expect(scan('{"k\\u0065y":"abc"}')).toBe('unknown');
    expect(scan('{"image":"x","walk_type":["left"]}')).toBe('unknown');
    expect(scan('[{"key":"abc"}]')).toBe('unknown');
    expect(scan('"key"')).toBe('unknown');
  });

  it('has no verdict while the key has not arrived', () => {
    expect(scan('{"image":"AAAAAAAA')).toBeUndefined();
    expect(scan('{"key":"ab')).toBeUndefined();
  });
});

describe('BodyGate', () => {
  it('lets `slots` bodies through, queues the next until one is released, and drops a waiter whose request closed', async () => {
    const gate = new BodyGate(1, 0);
    const req = (): IncomingMessage => new EventEmitter() as IncomingMessage;
    const first = await gate.acquire(req());
    const gone = req();
    const waitingGone = gate.acquire(gone);
    let secondGranted = false;
    const second = gate.acquire(req()).then((r) => ((secondGranted = true), r));
    gone.emit('close');
    expect(await waitingGone).toBeNull();
    await new Promise((r) => setImmediate(r));
    expect(secondGranted).toBe(false);
    first!();
    first!(); // a second release is a no-op
    const release = await second;
    expect(secondGranted).toBe(true);
    const third = gate.acquire(req());
    release!();
    expect(await third).toBeTypeOf('function');
  });
});
