import type { Server } from 'node:http';
import type { FastifyRequest } from 'fastify';

/** Absolute URLs of this server, for links in responses and webhooks. */
export type BaseUrl = (req?: FastifyRequest) => string;

/**
 * The one rule for the server's own base URL: the operator's `publicUrl` when set, else the host
 * the request came to, else (a webhook, no request) the address the server listens on.
 */
export function baseUrlFor(publicUrl: string | undefined, server: () => Server | null): BaseUrl {
  return (req) => {
    if (publicUrl) return publicUrl;
    if (req) return `${req.protocol}://${req.host}`;
    const address = server()?.address();
    return address && typeof address === 'object' ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : '';
  };
}

/** Absolute URL of a generated file. */
export function fileUrl(base: string, name: string): string {
  return `${base}/generations/${encodeURIComponent(name)}`;
}
