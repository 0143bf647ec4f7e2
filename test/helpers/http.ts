import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Serves `body` as a PNG on 127.0.0.1 at any path; resolves with the server and a URL of it. */
export async function servePng(body: Buffer): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'image/png' }).end(body)).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/in.png` };
}
