import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { ValidationError } from '../errors.js';
import { fetchBytes, type FetchFailure } from '../http/fetch-bytes.js';
import { type AddressClass, classifyAddress } from './ip-ranges.js';

export { classifyAddress } from './ip-ranges.js';

/** True when an address is loopback, private, link-local, metadata or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  return classifyAddress(address) !== 'public';
}

/** Why an address is refused, or null when `allowPrivate` lets it through. */
function refusal(cls: AddressClass, allowPrivate: boolean): string | null {
  if (cls !== 'public' && !allowPrivate) return 'a private or loopback address';
  if (cls === 'forbidden') return 'a link-local or cloud-metadata address, refused even with --allow-private-urls';
  return null;
}

/** Options of a guarded fetch of a URL named in a request field. */
export interface GuardOptions {
  readonly field: string;
  readonly allowPrivate: boolean;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly maxRedirects?: number;
  readonly signal?: AbortSignal;
  /** Replaces the guarded agent (tests route requests to a mock); literal hosts and redirects are still checked. */
  readonly dispatcher?: Dispatcher;
  /** Resolves names (default dns.lookup); tests inject one so no real DNS query is made. */
  readonly lookup?: LookupFunction;
}

/** The request's URL is unacceptable: a 4xx naming the field. */
function reject(field: string, message: string): never {
  throw new ValidationError([{ path: field, message }]);
}

/** Checks a URL's scheme and literal host; names are checked when resolved (resolveAndCheck, or the agent at connect time). */
export function checkUrl(raw: string, field: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    reject(field, `${JSON.stringify(raw.slice(0, 80))} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') reject(field, `${url.protocol} URLs are not allowed; use http or https`);
  // The WHATWG parser already turned 0xa9fea9fe, 2852039166 and [::127.0.0.1] into canonical literals.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const why = isIP(host) !== 0 ? refusal(classifyAddress(host), allowPrivate) : !allowPrivate && (host === 'localhost' || host.endsWith('.localhost')) ? 'a private or loopback address' : null;
  if (why) reject(field, `${url.host} is ${why}`);
  return url;
}

/** A lookup that fails with code EPRIVATE when a name resolves to an address the guard refuses. */
export function guardedLookup(field: string, allowPrivate: boolean, lookup: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = (Array.isArray(addresses) ? addresses : [{ address: addresses, family: 0 }]) as { address: string; family: number }[];
      for (const a of list) {
        const why = refusal(classifyAddress(a.address), allowPrivate);
        if (why) return callback(Object.assign(new Error(`${field}: ${hostname} resolves to ${a.address}, ${why}`), { code: 'EPRIVATE' }), '', 0);
      }
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      else callback(null, first.address, first.family);
    });
  };
}

/** A dispatcher whose DNS answers are checked before connecting, so a name cannot rebind to a refused address. */
export function guardedAgent(field: string, allowPrivate = false, lookup?: LookupFunction): Agent {
  return new Agent({ connect: { lookup: guardedLookup(field, allowPrivate, lookup) } });
}

/**
 * Checks a URL as a fetch would, its name resolved too, without connecting: for URLs used later
 * (webhooks), so a name that resolves to a refused address is a 4xx at submit.
 */
export async function resolveAndCheck(raw: string, field: string, allowPrivate: boolean, lookup?: LookupFunction): Promise<URL> {
  const url = checkUrl(raw, field, allowPrivate);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return url;
  const guarded = guardedLookup(field, allowPrivate, lookup);
  await new Promise<void>((resolve, fail) => {
    guarded(host, { all: true }, (err) => {
      if (!err) return resolve();
      const code = (err as NodeJS.ErrnoException).code;
      fail(new ValidationError([{ path: field, message: code === 'EPRIVATE' ? err.message.replace(`${field}: `, '') : `${host} does not resolve (${code ?? err.message})` }]));
    });
  });
  return url;
}

/** Fetches a URL from a request: http(s) only, no refused addresses (each redirect re-checked), bounded size and time. */
export async function guardedFetch(raw: string, o: GuardOptions): Promise<Buffer> {
  const owned = o.dispatcher ? undefined : guardedAgent(o.field, o.allowPrivate, o.lookup);
  const dispatcher = o.dispatcher ?? owned;
  try {
    return await fetchBytes(checkUrl(raw, o.field, o.allowPrivate), {
      maxBytes: o.maxBytes,
      timeoutMs: o.timeoutMs,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(dispatcher ? { dispatcher } : {}),
      onRedirect: (target, hop) => {
        if (hop >= (o.maxRedirects ?? 3)) reject(o.field, `too many redirects from ${raw}`);
        return checkUrl(target.href, o.field, o.allowPrivate);
      },
      fail: (f) => failure(f, o),
    });
  } finally {
    await owned?.close();
  }
}

/** A failed guarded fetch: the URL the client gave does not serve an image, so a 4xx naming the field, the URL and why. */
function failure(f: FetchFailure, o: GuardOptions): Error {
  const issue = (message: string): ValidationError => new ValidationError([{ path: o.field, message }]);
  switch (f.kind) {
    case 'status':
      return issue(`${f.url} answered HTTP ${f.status}`);
    case 'too-large':
      return issue(f.declared === null ? `${f.url} is larger than the limit of ${o.maxBytes} bytes` : `${f.url} is ${f.declared} bytes; the limit is ${o.maxBytes}`);
    case 'network': {
      const cause = (f.error as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === 'EPRIVATE') return issue(cause.message?.replace(`${o.field}: `, '') ?? 'private address');
      return issue(`could not fetch ${f.url}: ${f.reason}`);
    }
  }
}
