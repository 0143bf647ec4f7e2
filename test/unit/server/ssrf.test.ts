import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { fetchBytes, type FetchFailure } from '../../../src/http/fetch-bytes.js';
import { checkUrl, guardedFetch, isPrivateAddress } from '../../../src/server/ssrf.js';

describe('SSRF guard', () => {
  it.each(['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1'])('treats %s as private', (a) => {
    expect(isPrivateAddress(a)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])('treats %s as public', (a) => {
    expect(isPrivateAddress(a)).toBe(false);
  });

  it('refuses non-http schemes and private literal hosts, naming the field', () => {
    expect(() => checkUrl('ftp://example.com/x.png', 'image', false)).toThrow('image: ftp: URLs are not allowed; use http or https');
    expect(() => checkUrl('http://[::1]:8080/x', 'webhook', false)).toThrow('webhook: [::1]:8080 is a private or loopback address');
    expect(checkUrl('http://127.0.0.1/x', 'image', true).hostname).toBe('127.0.0.1');
  });

  it.each(['http://127.0.0.1:9/x.png', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/x.png'])('re-checks a redirect to %s and refuses it', async (target) => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get('http://images.example.com').intercept({ path: '/photo.png' }).reply(302, '', { headers: { location: target } });
    const err = await guardedFetch('http://images.example.com/photo.png', { field: 'image', allowPrivate: false, maxBytes: 1000, timeoutMs: 2000, dispatcher: mock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/^image: .* is a private or loopback address$/);
    await mock.close();
  });

  it('stops reading past the byte limit', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock.get('http://images.example.com').intercept({ path: '/big.png' }).reply(200, Buffer.alloc(5000));
    await expect(guardedFetch('http://images.example.com/big.png', { field: 'image', allowPrivate: false, maxBytes: 1000, timeoutMs: 2000, dispatcher: mock })).rejects.toThrow(/image: .* the limit is 1000|larger than the limit of 1000 bytes/);
    await mock.close();
  });
});

describe('fetchBytes', () => {
  const failed = (f: FetchFailure): Error => Object.assign(new Error(f.kind), { failure: f });
  const failureOf = (err: unknown): FetchFailure => (err as { failure: FetchFailure }).failure;

  it('returns the body within the cap, and follows redirects itself', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const host = mock.get('http://files.example.com');
    host.intercept({ path: '/a' }).reply(301, '', { headers: { location: '/b' } });
    host.intercept({ path: '/b' }).reply(200, Buffer.from('hello'));
    expect((await fetchBytes('http://files.example.com/a', { maxBytes: 5, timeoutMs: 2000, dispatcher: mock, fail: failed })).toString()).toBe('hello');
    await mock.close();
  });

  it('stops past the cap, whether the length is declared or counted', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const host = mock.get('http://files.example.com');
    host.intercept({ path: '/declared' }).reply(200, Buffer.alloc(50), { headers: { 'content-length': '50' } });
    host.intercept({ path: '/counted' }).reply(200, Buffer.alloc(50));
    const declared = await fetchBytes('http://files.example.com/declared', { maxBytes: 10, timeoutMs: 2000, dispatcher: mock, fail: failed }).catch(failureOf);
    expect(declared).toEqual({ kind: 'too-large', url: 'http://files.example.com/declared', declared: 50 });
    const counted = await fetchBytes('http://files.example.com/counted', { maxBytes: 10, timeoutMs: 2000, dispatcher: mock, fail: failed }).catch(failureOf);
    expect(counted).toMatchObject({ kind: 'too-large' });
    await mock.close();
  });

  it('reports an HTTP error status, a timeout and an abort as failures', async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    const host = mock.get('http://files.example.com');
    host.intercept({ path: '/gone' }).reply(404, 'no');
    host.intercept({ path: '/slow' }).reply(200, 'late').delay(500);
    host.intercept({ path: '/aborted' }).reply(200, 'late').delay(500);
    expect(await fetchBytes('http://files.example.com/gone', { maxBytes: 10, timeoutMs: 2000, dispatcher: mock, fail: failed }).catch(failureOf)).toEqual({ kind: 'status', url: 'http://files.example.com/gone', status: 404 });
    expect(await fetchBytes('http://files.example.com/slow', { maxBytes: 10, timeoutMs: 50, dispatcher: mock, fail: failed }).catch(failureOf)).toMatchObject({ kind: 'network', reason: 'timed out after 50 ms' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const aborted = await fetchBytes('http://files.example.com/aborted', { maxBytes: 10, timeoutMs: 2000, signal: controller.signal, dispatcher: mock, fail: failed }).catch(failureOf);
    expect(aborted).toMatchObject({ kind: 'network' });
    await mock.close();
  });
});
