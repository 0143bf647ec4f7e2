import { timingSafeEqual } from 'node:crypto';

/** Which keys open the API; `open` when auth was switched off. */
export interface AuthConfig {
  readonly open: boolean;
  readonly keys: readonly string[];
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
