import { describe, expect, it } from 'vitest';
import { keyAllowed, keyOf, keysFromEnv } from '../../../src/server/auth.js';

describe('API keys from the environment', () => {
  it('splits on commas and whitespace and drops empty entries', () => {
    expect(keysFromEnv('a,b c\td\n e,, ,f')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(keysFromEnv(' k1 ')).toEqual(['k1']);
  });

  it('yields no key for an unset or blank variable', () => {
    expect(keysFromEnv(undefined)).toEqual([]);
    expect(keysFromEnv('')).toEqual([]);
    expect(keysFromEnv(' , \n')).toEqual([]);
  });
});

describe('key check', () => {
  const auth = { open: false, keys: ['secret-1', 'k2'] };

  it('allows exactly the configured keys', () => {
    expect(keyAllowed(auth, 'secret-1')).toBe(true);
    expect(keyAllowed(auth, 'k2')).toBe(true);
    expect(keyAllowed(auth, 'secret-2')).toBe(false);
    expect(keyAllowed(auth, 'K2')).toBe(false);
  });

  it('refuses keys of another length without throwing (timingSafeEqual needs equal lengths)', () => {
    expect(keyAllowed(auth, 'secret-1x')).toBe(false);
    expect(keyAllowed(auth, 'secret-')).toBe(false);
    expect(keyAllowed(auth, 'k')).toBe(false);
    expect(keyAllowed(auth, 'x'.repeat(10_000))).toBe(false);
    // Same length in UTF-16 units, not in bytes.
    expect(keyAllowed(auth, 'k\u00e9')).toBe(false);
  });

  it('refuses a missing, empty or non-string key', () => {
    for (const given of [undefined, null, '', 42, ['k2'], { key: 'k2' }]) expect(keyAllowed(auth, given)).toBe(false);
    expect(keyAllowed({ open: false, keys: [] }, 'k2')).toBe(false);
  });

  it('allows anything when auth is off', () => {
    expect(keyAllowed({ open: true, keys: [] }, undefined)).toBe(true);
    expect(keyAllowed({ open: true, keys: ['k2'] }, 'nope')).toBe(true);
  });
});

describe('the key a request carries', () => {
  it('takes the body key first, then x-key, then Authorization', () => {
    const headers = { 'x-key': 'from-header', authorization: 'Bearer from-bearer' };
    expect(keyOf(headers, { key: 'from-body' })).toBe('from-body');
    expect(keyOf(headers, {})).toBe('from-header');
    expect(keyOf({ authorization: 'Bearer from-bearer' }, { key: 'from-body' })).toBe('from-body');
    expect(keyOf({ authorization: 'Bearer from-bearer' }, null)).toBe('from-bearer');
  });

  it('skips an empty or non-string body key and an empty or repeated x-key', () => {
    expect(keyOf({ 'x-key': 'h' }, { key: '' })).toBe('h');
    expect(keyOf({ 'x-key': 'h' }, { key: 7 })).toBe('h');
    expect(keyOf({ 'x-key': 'h' }, 'key=body')).toBe('h');
    expect(keyOf({ 'x-key': '', authorization: 'Bearer b' }, undefined)).toBe('b');
    expect(keyOf({ 'x-key': ['a', 'b'], authorization: 'Bearer b' }, undefined)).toBe('b');
  });

  it('reads the Bearer scheme case-insensitively, and a bare Authorization value as the key', () => {
    expect(keyOf({ authorization: 'bearer   tok' }, undefined)).toBe('tok');
    expect(keyOf({ authorization: 'BEARER tok en' }, undefined)).toBe('tok en');
    expect(keyOf({ authorization: 'tok' }, undefined)).toBe('tok');
  });

  it('finds no key when none is given', () => {
    expect(keyOf({}, undefined)).toBeUndefined();
    expect(keyOf({ authorization: ['Bearer a'] }, {})).toBeUndefined();
  });
});
