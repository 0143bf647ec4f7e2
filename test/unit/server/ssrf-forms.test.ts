import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { checkUrl, classifyAddress, guardedFetch, resolveAndCheck } from '../../../src/server/ssrf.js';
import { embeddedIpv4 } from '../../../src/server/ip-ranges.js';
import Database from 'better-sqlite3';
import { OutboxStore } from '../../../src/server/jobs/outbox-store.js';
import { WebhookOutbox } from '../../../src/server/webhook-outbox.js';
import { tryWebhook } from '../../../src/server/webhook.js';

/** A resolver for made-up names: never a real DNS query. Counts its calls. */
function fakeLookup(table: Record<string, string>): LookupFunction & { calls: string[] } {
  const calls: string[] = [];
  const fn = ((host: string, _opts: unknown, cb: (err: Error | null, addresses: { address: string; family: number }[]) => void) => {
    calls.push(host);
    const address = table[host];
    if (!address) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), []);
    cb(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  }) as unknown as LookupFunction & { calls: string[] };
  fn.calls = calls;
  return fn;
}

describe('SSRF guard: address forms', () => {
  it.each([
    ['169.254.169.254', 'forbidden'],
    ['169.254.0.1', 'forbidden'],
    ['fe80::1', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'],
    ['100.100.100.200', 'forbidden'],
    ['::ffff:169.254.169.254', 'forbidden'],
    ['::ffff:a9fe:a9fe', 'forbidden'],
    ['64:ff9b::a9fe:a9fe', 'forbidden'],
    ['64:ff9b::169.254.169.254', 'forbidden'],
    ['::169.254.169.254', 'forbidden'],
    ['2002:a9fe:a9fe::1', 'forbidden'],
    ['127.0.0.1', 'private'],
    ['::127.0.0.1', 'private'],
    ['::7f00:1', 'private'],
    ['64:ff9b::7f00:1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b:1::a00:1', 'private'],
    ['::ffff:0:10.1.2.3', 'private'],
    ['2002:0a00:0001::', 'private'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'],
    ['10.0.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::1', 'private'],
    ['8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['2002:808:808::1', 'public'],
    ['2606:4700:4700::1111', 'public'],
  ])('judges %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('finds the IPv4 address each IPv6 form carries', () => {
    expect(embeddedIpv4('64:ff9b::a9fe:a9fe')).toEqual(['169.254.169.254']);
    expect(embeddedIpv4('::127.0.0.1')).toEqual(['127.0.0.1']);
    expect(embeddedIpv4('2002:c000:0201::')).toEqual(['192.0.2.1']);
    // Teredo: the server, and the client's address inverted.
    expect(embeddedIpv4('2001:0:4136:e378:8000:63bf:3fff:fdd2')).toEqual(['65.54.227.120', '192.0.2.45']);
    expect(embeddedIpv4('2606:4700::1111')).toEqual([]);
  });

  it('refuses link-local and metadata literals even with allowPrivate, in every spelling the URL parser accepts', () => {
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://[::ffff:169.254.169.254]/', 'http://[fe80::1]/', 'http://[fd00:ec2::254]/']) {
      expect(() => checkUrl(url, 'image', true), url).toThrow(/image: .* is a link-local or cloud-metadata address, refused even with --allow-private-urls/);
    }
    expect(checkUrl('http://127.0.0.1:9/x', 'image', true).hostname).toBe('127.0.0.1');
  });

  it('judges NAT64 and IPv4-compatible literals as the address they embed', () => {
    expect(() => checkUrl('http://[::127.0.0.1]/x.png', 'image', false)).toThrow('image: [::7f00:1] is a private or loopback address');
    expect(() => checkUrl('http://[64:ff9b::a9fe:a9fe]/x.png', 'image', false)).toThrow(/is a private or loopback address/);
    expect(() => checkUrl('http://[64:ff9b::7f00:1]/x.png', 'image', false)).toThrow(/is a private or loopback address/);
    expect(checkUrl('http://[64:ff9b::808:808]/x.png', 'image', false).hostname).toBe('[64:ff9b::808:808]');
  });
});

describe('SSRF guard: names, resolved through an injected resolver', () => {
  const lookup = fakeLookup({ 'hooks.internal.test': '10.0.0.7', 'meta.internal.test': '169.254.169.254', 'nat64.internal.test': '64:ff9b::a9fe:a9fe', 'public.example.test': '8.8.8.8' });

  it('refuses a webhook whose name resolves privately (and metadata even with allowPrivate), naming the field', async () => {
    await expect(resolveAndCheck('http://hooks.internal.test/cb', 'webhook', false, lookup)).rejects.toThrow('webhook: hooks.internal.test resolves to 10.0.0.7, a private or loopback address');
    await expect(resolveAndCheck('http://meta.internal.test/cb', 'webhook', true, lookup)).rejects.toThrow(/webhook: meta.internal.test resolves to 169.254.169.254, a link-local or cloud-metadata address/);
    await expect(resolveAndCheck('http://nat64.internal.test/cb', 'webhook', true, lookup)).rejects.toThrow(/link-local or cloud-metadata/);
    await expect(resolveAndCheck('http://nowhere.internal.test/cb', 'webhook', false, lookup)).rejects.toThrow('webhook: nowhere.internal.test does not resolve (ENOTFOUND)');
    expect((await resolveAndCheck('http://hooks.internal.test/cb', 'webhook', true, lookup)).hostname).toBe('hooks.internal.test');
    expect((await resolveAndCheck('http://public.example.test/cb', 'webhook', false, lookup)).hostname).toBe('public.example.test');
  });

  it('refuses an image whose name resolves to metadata before connecting, even with allowPrivate', async () => {
    const err = await guardedFetch('http://meta.internal.test/x.png', { field: 'image', allowPrivate: true, maxBytes: 1000, timeoutMs: 2000, lookup }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    // The guard's own refusal, not the test suite's loopback guard: no connection was attempted.
    expect((err as Error).message).toBe('image: meta.internal.test resolves to 169.254.169.254, a link-local or cloud-metadata address, refused even with --allow-private-urls');
  });

  it('gives up a webhook at once when the guard refuses it: one attempt, no connection, no retries', async () => {
    const log: string[] = [];
    const calls = lookup.calls.length;
    const o = { allowPrivateUrls: true, lookup, tries: 6, baseDelayMs: 1, timeoutMs: 2000, log: (m: string) => log.push(m) };
    expect(await tryWebhook('http://meta.internal.test/cb', 'x', '{}', o, 1)).toEqual({ ok: false, retryAfter: null, refused: true });
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/attempt 1\/6 failed/);
    expect(lookup.calls.length - calls).toBe(1);
    // The outbox makes that one attempt and gives up, rather than trying six times.
    const literal: string[] = [];
    const outbox = new WebhookOutbox(new OutboxStore(new Database(':memory:')), { allowPrivateUrls: true, tries: 6, baseDelayMs: 1, timeoutMs: 2000, log: (m) => literal.push(m) });
    outbox.enqueue('job-1', 'http://169.254.169.254/cb', {});
    for (let i = 0; i < 200 && !literal.some((l) => l.includes('giving up')); i++) await new Promise((r) => setTimeout(r, 5));
    await outbox.close();
    expect(literal).toEqual([expect.stringMatching(/attempt 1\/6 failed: webhook: 169.254.169.254 is a link-local or cloud-metadata address/), expect.stringMatching(/giving up on job job-1 after 1 attempts/)]);
  });
});
