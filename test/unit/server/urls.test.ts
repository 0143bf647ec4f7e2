import type { Server } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { baseUrlFor, fileUrl } from '../../../src/server/urls.js';

/** A stand-in for a listening server: only `address()` is read. */
function listening(address: ReturnType<Server['address']>): () => Server {
  return () => ({ address: () => address }) as unknown as Server;
}

const req = { protocol: 'https', host: 'api.example:8443' } as FastifyRequest;

describe('server base URL', () => {
  it('prefers the configured public URL over the request and the listening address', () => {
    const base = baseUrlFor('https://zw.example', listening({ address: '127.0.0.1', family: 'IPv4', port: 80 }));
    expect(base(req)).toBe('https://zw.example');
    expect(base()).toBe('https://zw.example');
  });

  it('uses the host a request came to', () => {
    expect(baseUrlFor(undefined, listening(null))(req)).toBe('https://api.example:8443');
  });

  it('falls back to the listening address without a request, bracketing IPv6', () => {
    expect(baseUrlFor(undefined, listening({ address: '127.0.0.1', family: 'IPv4', port: 3000 }))()).toBe('http://127.0.0.1:3000');
    expect(baseUrlFor(undefined, listening({ address: '::1', family: 'IPv6', port: 3001 }))()).toBe('http://[::1]:3001');
  });

  it('is empty when there is no request and nothing listens (or a pipe does)', () => {
    expect(baseUrlFor(undefined, () => null)()).toBe('');
    expect(baseUrlFor(undefined, listening('/tmp/zw.sock'))()).toBe('');
    expect(baseUrlFor('', listening(null))()).toBe('');
  });
});

describe('file URLs', () => {
  it('puts a generated file under /generations/, its name encoded', () => {
    expect(fileUrl('http://h:1', 'a-1.mp4')).toBe('http://h:1/generations/a-1.mp4');
    expect(fileUrl('http://h:1', '../x y?.png')).toBe('http://h:1/generations/..%2Fx%20y%3F.png');
  });
});
