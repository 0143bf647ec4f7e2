import { execFile } from 'node:child_process';
import net from 'node:net';
import { fetch, Agent } from 'undici';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without types
import { isLoopback } from '../../support/loopback-guard.mjs';

describe('loopback guard (installed for every test process)', () => {
  it('tells loopback addresses from others', () => {
    for (const a of ['127.0.0.1', '127.9.8.7', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['10.0.0.1', '169.254.169.254', '192.168.1.1', '8.8.8.8', '::ffff:10.0.0.1', 'fe80::1', '64:ff9b::a9fe:a9fe']) expect(isLoopback(a), a).toBe(false);
  });

  it('refuses a raw socket to a non-loopback literal before it opens', () => {
    expect(() => net.connect({ host: '10.255.255.1', port: 9 })).toThrow(/loopback guard/);
  });

  it('refuses undici fetches to non-loopback literals and to names that resolve elsewhere', async () => {
    await expect(fetch('http://169.254.169.254/latest/meta-data')).rejects.toMatchObject({ cause: { code: 'LOOPBACK_GUARD' } });
    // A name whose (fake) DNS answer is not loopback: refused after lookup, before connect.
    const dispatcher = new Agent({ connect: { lookup: (_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) => cb(null, [{ address: '10.1.2.3', family: 4 }]) } });
    await expect(fetch('http://example.invalid/', { dispatcher })).rejects.toMatchObject({ cause: { code: 'LOOPBACK_GUARD' } });
  });

  it('still allows loopback connections', async () => {
    const server = net.createServer((s) => s.end('hi')).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as net.AddressInfo;
    const text = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => undefined);
      let got = '';
      s.on('data', (d) => (got += d)).on('end', () => resolve(got)).on('error', reject);
    });
    server.close();
    expect(text).toBe('hi');
  });

  it('is inherited by the node processes a test spawns', async () => {
    const out = await new Promise<string>((resolve) =>
      execFile(process.execPath, ['-e', "require('net').connect({host:'10.255.255.1',port:9}).on('error',e=>console.log(e.code))"], (err, stdout, stderr) => resolve(stdout + stderr + (err ? String(err) : ''))),
    );
    expect(out).toContain('LOOPBACK_GUARD');
  });
});
