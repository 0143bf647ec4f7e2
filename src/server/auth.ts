import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { identify } from './tenancy.js';

/** Which keys open the API; `open` when auth was switched off. */
export interface AuthConfig {
  readonly open: boolean;
  readonly keys: readonly string[];
  /** Keys that see every tenant's jobs (ZOOMWALK_OPERATOR_KEYS); each must also be in `keys`. */
  readonly operators?: readonly string[];
}

/** Keys from ZOOMWALK_API_KEYS: comma- or whitespace-separated. */
export function keysFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((k) => k.length > 0);
}

/** True when `given` is one of the configured keys (constant-time per key). */
export function keyAllowed(auth: AuthConfig, given: unknown): boolean {
  if (auth.open) return true;
  if (typeof given !== 'string' || given.length === 0) return false;
  const g = Buffer.from(given);
  return auth.keys.some((k) => {
    const b = Buffer.from(k);
    return b.length === g.length && timingSafeEqual(b, g);
  });
}

/** The key a request carries: the body's `key`, an `x-key` header, or `Authorization: Bearer`. */
export function keyOf(headers: Record<string, string | string[] | undefined>, body: unknown): string | undefined {
  const fromBody = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['key'] : undefined;
  if (typeof fromBody === 'string' && fromBody) return fromBody;
  const x = headers['x-key'];
  if (typeof x === 'string' && x) return x;
  const a = headers['authorization'];
  if (typeof a === 'string') return /^Bearer\s+(.+)$/i.exec(a)?.[1] ?? a;
  return undefined;
}

/** The value of a key header, if it is one string. */
export function headerKey(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Guards every route of a plugin's (encapsulated) scope: a request whose key, as `keyFrom` finds
 * it, is not allowed is answered 401 with `denied()` before its handler runs. The hook runs after
 * the body is parsed, for APIs that carry the key in it.
 */
export function requireKey(scope: FastifyInstance, auth: AuthConfig, keyFrom: (req: FastifyRequest) => unknown, denied: () => unknown): void {
  scope.addHook('preValidation', (req, reply, done) => {
    // Sending without calling done() ends the request here.
    const key = keyFrom(req);
    if (!keyAllowed(auth, key)) void reply.code(401).send(denied());
    else {
      // Who the caller is, for the tenancy checks of the routes (tenancy.ts).
      identify(req, auth, key);
      done();
    }
  });
}
