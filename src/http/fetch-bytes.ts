import { fetch, type Dispatcher, type Response } from 'undici';

/** Why a capped fetch returned no body; the caller turns it into its own error. */
export type FetchFailure =
  | { readonly kind: 'status'; readonly url: string; readonly status: number }
  /** `declared` is the Content-Length when it already said too much, null when the count ran over while reading. */
  | { readonly kind: 'too-large'; readonly url: string; readonly declared: number | null }
  /** Network error, timeout or abort; `reason` is short ("timed out after 30000 ms", "ECONNREFUSED"). */
  | { readonly kind: 'network'; readonly url: string; readonly reason: string; readonly error: unknown };

/** Options of fetchBytes. */
export interface FetchBytesOptions {
  readonly maxBytes: number;
  /** For the whole fetch, every redirect and the body included. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Where requests go instead of undici's global dispatcher (a guarded agent, or a mock in tests). */
  readonly dispatcher?: Dispatcher;
  /**
   * Given, redirects are followed here rather than by fetch: each target goes through it first
   * (with the number of hops so far) and it answers the URL to fetch, or throws to refuse.
   */
  readonly onRedirect?: (target: URL, hop: number) => URL;
  /** Makes the error thrown for a failure. */
  readonly fail: (failure: FetchFailure) => Error;
}

/** The reason an undici fetch failed, as short as the error allows. */
function networkReason(err: unknown, timeout: AbortSignal, timeoutMs: number): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return timeout.aborted ? `timed out after ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (err as Error).message);
}

/** Reads a body up to `maxBytes`; null once it runs over (the rest is never downloaded). */
async function readCapped(body: NonNullable<Response['body']>, maxBytes: number): Promise<Buffer | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    // Leaving the loop early cancels the rest of the stream.
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * GETs a URL's body with a byte cap and a timeout, honouring an abort signal: the one byte fetcher
 * behind CLI image URLs and the server's SSRF-guarded fetches. Errors come from `o.fail` (or
 * `o.onRedirect`), so each caller keeps its own error types and messages.
 */
export async function fetchBytes(url: string | URL, o: FetchBytesOptions): Promise<Buffer> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  // A string is handed to fetch as it is, so an unparsable URL fails like any other fetch.
  let at: string | URL = url;
  for (let hop = 0; ; hop++) {
    const href = typeof at === 'string' ? at : at.href;
    let res: Response;
    try {
      res = await fetch(at, { signal, redirect: o.onRedirect ? 'manual' : 'follow', ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}) });
    } catch (err) {
      throw o.fail({ kind: 'network', url: href, reason: networkReason(err, timeout, o.timeoutMs), error: err });
    }
    const location = res.headers.get('location');
    if (o.onRedirect && res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      let target: URL;
      try {
        target = new URL(location, at);
      } catch (err) {
        throw o.fail({ kind: 'network', url: href, reason: (err as Error).message, error: err });
      }
      at = o.onRedirect(target, hop);
      continue;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw o.fail({ kind: 'status', url: href, status: res.status });
    }
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > o.maxBytes) {
      await res.body.cancel();
      throw o.fail({ kind: 'too-large', url: href, declared });
    }
    let bytes: Buffer | null;
    try {
      bytes = await readCapped(res.body, o.maxBytes);
    } catch (err) {
      throw o.fail({ kind: 'network', url: href, reason: networkReason(err, timeout, o.timeoutMs), error: err });
    }
    if (bytes === null) throw o.fail({ kind: 'too-large', url: href, declared: null });
    return bytes;
  }
}
