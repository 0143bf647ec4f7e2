import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sniffBodyKey, type BodyGate } from './body-key.js';
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

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * True when `given` is one of the configured keys. Both sides are hashed first, so every comparison
 * is of 32 bytes whatever the lengths (a length check would tell an attacker the key's length), and
 * every configured key is compared (no early exit telling which one matched).
 */
export function keyAllowed(auth: AuthConfig, given: unknown): boolean {
  if (auth.open) return true;
  if (typeof given !== 'string' || given.length === 0) return false;
  const g = sha256(given);
  let match = false;
  for (const k of auth.keys) match = timingSafeEqual(sha256(k), g) || match;
  return match;
}

/** A short, stable, non-reversible name for a key (rate-limit buckets, logs): never the key itself. */
export function keyId(key: string): string {
  return sha256(key).toString('base64url').slice(0, 22);
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
 * Answers a refused request before its body is read. `Connection: close` makes Node drop the socket
 * after the answer instead of reading (and discarding) the rest of a body it will never use.
 */
function refuse(reply: FastifyReply, body: unknown): void {
  void reply.code(401).header('connection', 'close').send(body);
}

/**
 * Guards every route of a plugin's (encapsulated) scope whose key travels in a header: a request
 * whose key, as `keyFrom` finds it, is not allowed is answered 401 with `denied()` in `onRequest`,
 * before a byte of its body is read.
 */
export function requireKey(scope: FastifyInstance, auth: AuthConfig, keyFrom: (req: FastifyRequest) => unknown, denied: () => unknown): void {
  scope.addHook('onRequest', (req, reply, done) => {
    // Sending without calling done() ends the request here.
    const key = keyFrom(req);
    if (!keyAllowed(auth, key)) refuse(reply, denied());
    else {
      // Who the caller is, for the tenancy checks of the routes (tenancy.ts).
      identify(req, auth, key);
      done();
    }
  });
}

/** Requests whose key was accepted from a header (or the body's first bytes) before the body was parsed. */
const verified = new WeakSet<FastifyRequest>();

/**
 * Guards an API whose public contract puts `key` in the JSON body (v5, ModelsLab), without parsing
 * a body for a stranger:
 * 1. `onRequest`: a key in `x-key` or `Authorization: Bearer` is checked at once (a wrong one: 401,
 *    body unread); a right one admits the request.
 * 2. `preParsing`: otherwise the body streams through `sniffBodyKey`, which finds the top-level
 *    `"key"` member as the bytes arrive and refuses a wrong one with 401 as soon as it has read it
 *    (clients send it first: at most a few bytes are read). A body that has not shown its key in
 *    its first bytes waits for one of `gate`'s few slots, so keyless bodies are read only a few at once.
 * 3. `preValidation`: the parsed body's `key`, when it has one, must be allowed as well; it decides
 *    what the sniffer could not (a key sent last, or written with JSON escapes).
 */
export function requireBodyKey(scope: FastifyInstance, auth: AuthConfig, gate: BodyGate, deniedMessage: string): void {
  const denied = { status: 'error', message: deniedMessage };
  scope.addHook('onRequest', (req, reply, done) => {
    const fromHeader = auth.open ? undefined : keyOf(req.headers, null);
    if (auth.open || (fromHeader !== undefined && keyAllowed(auth, fromHeader))) verified.add(req);
    if (fromHeader !== undefined && !verified.has(req)) refuse(reply, denied);
    else done();
  });
  const maxKeyBytes = Math.max(0, ...auth.keys.map((k) => Buffer.byteLength(k)));
  scope.addHook('preParsing', (req, reply, payload, done) => {
    if (verified.has(req)) return done(null, payload);
    const check = (key: string): boolean => {
      const ok = keyAllowed(auth, key);
      if (ok) verified.add(req);
      return ok;
    };
    const refuseBody = (): Error => {
      void reply.header('connection', 'close');
      return Object.assign(new Error(deniedMessage), { statusCode: 401 });
    };
    done(null, sniffBodyKey(payload, req.raw, { gate, maxKeyBytes, check, refuse: refuseBody }));
  });
  scope.addHook('preValidation', (req, reply, done) => {
    // A key in the parsed body must be allowed too, even after a header or the scanner admitted the
    // request: JSON.parse keeps the last of duplicated "key" members, which the scanner did not judge.
    const bodyKey = keyOf({}, req.body);
    if (bodyKey !== undefined ? keyAllowed(auth, bodyKey) : verified.has(req)) {
      // The job belongs to the key the public contract names (the body's), else the header's (tenancy.ts).
      identify(req, auth, bodyKey ?? keyOf(req.headers, null));
      done();
    } else refuse(reply, denied);
  });
}
