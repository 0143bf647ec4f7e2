import { lookup } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { ImageLoadError, ValidationError } from '../errors.js';
import { fetchBytes, type FetchFailure } from '../http/fetch-bytes.js';

/** Addresses a URL from a request may never reach unless private URLs are allowed. */
function privateRanges(): BlockList {
  const b = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
    ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
  ] as const) b.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) b.addSubnet(net, prefix, 'ipv6');
  return b;
}

const BLOCKED = privateRanges();

/** True when an address is loopback, private, link-local, metadata or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
    return BLOCKED.check(address, 'ipv6');
  }
  return BLOCKED.check(address, 'ipv4');
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
}

/** The request's URL is unacceptable: a 4xx naming the field. */
function reject(field: string, message: string): never {
  throw new ValidationError([{ path: field, message }]);
}

/** Checks a URL's scheme and literal host; names are checked at connect time by the agent. */
export function checkUrl(raw: string, field: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    reject(field, `${JSON.stringify(raw.slice(0, 80))} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') reject(field, `${url.protocol} URLs are not allowed; use http or https`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host)))) {
    reject(field, `${url.host} is a private or loopback address`);
  }
  return url;
}

/** A dispatcher whose DNS answers are checked before connecting, so a name cannot rebind to a private address. */
export function guardedAgent(field: string): Agent {
  const guarded: LookupFunction = (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as { address: string; family: number }[];
      const bad = list.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(Object.assign(new Error(`${field}: ${hostname} resolves to the private address ${bad.address}`), { code: 'EPRIVATE' }), '', 0);
      const first = list[0]!;
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof list) => void)(null, list);
      else callback(null, first.address, first.family);
    });
  };
  return new Agent({ connect: { lookup: guarded } });
}

/** Fetches a URL from a request: http(s) only, no private addresses (each redirect re-checked), bounded size and time. */
export async function guardedFetch(raw: string, o: GuardOptions): Promise<Buffer> {
  const owned = o.dispatcher || o.allowPrivate ? undefined : guardedAgent(o.field);
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

/** A failed guarded fetch as the client's mistake (size, private address: 4xx) or a load failure. */
function failure(f: FetchFailure, o: GuardOptions): Error {
  const issue = (message: string): ValidationError => new ValidationError([{ path: o.field, message }]);
  switch (f.kind) {
    case 'status':
      return new ImageLoadError(`${o.field}: ${f.url} answered HTTP ${f.status}`);
    case 'too-large':
      return issue(f.declared === null ? `${f.url} is larger than the limit of ${o.maxBytes} bytes` : `${f.url} is ${f.declared} bytes; the limit is ${o.maxBytes}`);
    case 'network': {
      const cause = (f.error as { cause?: { code?: string; message?: string } }).cause;
      if (cause?.code === 'EPRIVATE') return issue(cause.message?.replace(`${o.field}: `, '') ?? 'private address');
      return new ImageLoadError(`${o.field}: could not fetch ${f.url}: ${f.reason}`, { cause: f.error });
    }
  }
}
