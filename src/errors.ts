/**
 * Every typed error of zoomwalk and its stable string code, in one table (docs/errors.md lists the
 * same codes; a test keeps the two equal). Errors are thrown where the bad value enters and mapped
 * once per surface: the CLI turns `exitCode` into its exit status, the server `httpStatus` into
 * its reply.
 */
export type ErrorKind = 'validation' | 'runtime' | 'aborted' | 'limit';

/** One row of the code table: who is at fault, and what each surface answers. */
export interface ErrorCodeInfo {
  readonly kind: ErrorKind;
  /** The CLI's exit status. */
  readonly exitCode: number;
  /** The HTTP status the server answers with (for runtime codes: the status a failed job reports as). */
  readonly httpStatus: number;
  readonly meaning: string;
}

/** The code table. Add a row here, a class below if it needs fields, and a line in docs/errors.md. */
export const ERROR_CODES = {
  ZW_INVALID_REQUEST: { kind: 'validation', exitCode: 2, httpStatus: 422, meaning: 'one or more request fields are invalid; each issue names the field and the limit' },
  ZW_USAGE: { kind: 'validation', exitCode: 2, httpStatus: 400, meaning: 'bad command-line arguments or an unreadable request file' },
  ZW_BAD_BODY: { kind: 'validation', exitCode: 2, httpStatus: 400, meaning: 'the request body cannot be read: malformed or too deeply nested JSON' },
  ZW_UNKNOWN_ENGINE: { kind: 'validation', exitCode: 2, httpStatus: 422, meaning: 'the named engine is not registered (or not enabled on this server)' },
  ZW_UNKNOWN_PRESET: { kind: 'validation', exitCode: 2, httpStatus: 422, meaning: 'the named preset does not exist' },
  ZW_ENGINE_CONFIG: { kind: 'validation', exitCode: 2, httpStatus: 422, meaning: 'an engine was chosen but lacks its URL or API key' },
  ZW_IMAGE_LOAD: { kind: 'runtime', exitCode: 1, httpStatus: 500, meaning: 'the input image could not be read, fetched or decoded' },
  ZW_ENGINE: { kind: 'runtime', exitCode: 1, httpStatus: 500, meaning: 'an engine failed or returned an unusable image' },
  ZW_REMOTE_ENGINE: { kind: 'runtime', exitCode: 1, httpStatus: 502, meaning: 'a remote engine answered with an error, timed out or could not be reached' },
  ZW_ENCODER: { kind: 'runtime', exitCode: 1, httpStatus: 500, meaning: 'ffmpeg failed; the message carries the tail of its stderr' },
  ZW_ABORTED: { kind: 'aborted', exitCode: 130, httpStatus: 499, meaning: 'the render was cancelled (signal, Ctrl-C, or a cancel request)' },
  ZW_DISK_FULL: { kind: 'runtime', exitCode: 1, httpStatus: 507, meaning: 'the data directory is full: a job failed for lack of space, or a submission was refused until space is freed' },
  ZW_DATA_LOCKED: { kind: 'runtime', exitCode: 1, httpStatus: 503, meaning: 'another zoomwalk serve (its pid in the message) holds the data directory' },
  ZW_RATE_LIMITED: { kind: 'limit', exitCode: 1, httpStatus: 429, meaning: 'this key (or address) sent more requests than its rate limit; retry after Retry-After seconds' },
  ZW_QUEUE_FULL: { kind: 'limit', exitCode: 1, httpStatus: 503, meaning: 'the server has as many queued jobs as it accepts; nothing was queued; retry after Retry-After seconds' },
  ZW_QUEUE_UNAVAILABLE: { kind: 'limit', exitCode: 1, httpStatus: 503, meaning: 'the job queue (Redis) cannot be reached; nothing was queued; retry in a few seconds' },
  ZW_SHUTTING_DOWN: { kind: 'limit', exitCode: 1, httpStatus: 503, meaning: 'the server is shutting down; a submitted job is kept and resumes at the next start' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The base of every zoomwalk error: a stable `code` and the `kind` of fault. */
export class ZoomwalkError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.kind = ERROR_CODES[code].kind;
  }
  /** The CLI exit status for this error. */
  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }
  /** The HTTP status for this error. */
  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }
}

/** One invalid field: its path (`walk_type[3]`) and what is wrong with it. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** One or more request fields are invalid; each issue names the field path. */
export class ValidationError extends ZoomwalkError {
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[]) {
    super('ZW_INVALID_REQUEST', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.issues = issues;
  }
}

/** Bad CLI arguments or an unreadable request file. */
export class UsageError extends ZoomwalkError {
  constructor(message: string) {
    super('ZW_USAGE', message);
  }
}

/** The caller asked for an engine or preset that does not exist. */
export class UnknownNameError extends ZoomwalkError {
  constructor(what: 'engine' | 'preset', name: string, known: readonly string[]) {
    super(what === 'engine' ? 'ZW_UNKNOWN_ENGINE' : 'ZW_UNKNOWN_PRESET', `unknown ${what} "${name}"; known: ${known.join(', ')}`);
  }
}

/** An engine was chosen but is not configured (no URL, no key): the caller's to fix. */
export class EngineConfigError extends ZoomwalkError {
  constructor(message: string) {
    super('ZW_ENGINE_CONFIG', message);
  }
}

/** The input image could not be read, fetched or decoded. */
export class ImageLoadError extends ZoomwalkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ZW_IMAGE_LOAD', message, options);
  }
}

/** ffmpeg failed; the message carries the tail of its stderr. */
export class EncoderError extends ZoomwalkError {
  readonly stderrTail: string;
  constructor(message: string, stderrTail: string, options?: { cause?: unknown }) {
    super('ZW_ENCODER', stderrTail ? `${message}\n${stderrTail}` : message, options);
    this.stderrTail = stderrTail;
  }
}

/** An engine failed or returned something unusable; the message names the engine. */
export class EngineError extends ZoomwalkError {
  readonly engine: string;
  constructor(engine: string, message: string, options?: { cause?: unknown; code?: 'ZW_ENGINE' | 'ZW_REMOTE_ENGINE' }) {
    super(options?.code ?? 'ZW_ENGINE', `engine "${engine}": ${message}`, options);
    this.engine = engine;
  }
}

/** A remote engine failed: names the engine, the method and path (never a key), the status and a body excerpt. */
export class RemoteEngineError extends EngineError {
  readonly status: number | null;
  readonly path: string;
  constructor(engine: string, path: string, status: number | null, message: string, options?: { cause?: unknown }) {
    super(engine, message, { ...options, code: 'ZW_REMOTE_ENGINE' });
    this.status = status;
    this.path = path;
  }
}

/** The render was cancelled through its AbortSignal. */
export class AbortError extends ZoomwalkError {
  constructor(message = 'render aborted') {
    super('ZW_ABORTED', message);
  }
}

/** Throws AbortError if the signal has fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}
