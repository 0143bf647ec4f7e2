/**
 * Typed errors with stable string codes. Each surface (CLI, HTTP) maps them once:
 * `kind` says whether the caller (usage/validation) or the run (runtime) is at fault.
 */
export type ErrorKind = 'validation' | 'runtime' | 'aborted';

export class ZoomwalkError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  constructor(code: string, kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.kind = kind;
  }
}

/** One or more request fields are invalid; each issue names the field path. */
export class ValidationError extends ZoomwalkError {
  readonly issues: readonly { path: string; message: string }[];
  constructor(issues: readonly { path: string; message: string }[]) {
    super('ZW_INVALID_REQUEST', 'validation', issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '));
    this.issues = issues;
  }
}

/** The input image could not be read, fetched or decoded. */
export class ImageLoadError extends ZoomwalkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ZW_IMAGE_LOAD', 'runtime', message, options);
  }
}

/** ffmpeg failed; the message carries the tail of its stderr. */
export class EncoderError extends ZoomwalkError {
  readonly stderrTail: string;
  constructor(message: string, stderrTail: string, options?: { cause?: unknown }) {
    super('ZW_ENCODER', 'runtime', stderrTail ? `${message}\n${stderrTail}` : message, options);
    this.stderrTail = stderrTail;
  }
}

/** An engine failed or returned something unusable; the message names the engine. */
export class EngineError extends ZoomwalkError {
  readonly engine: string;
  constructor(engine: string, message: string, options?: { cause?: unknown }) {
    super('ZW_ENGINE', 'runtime', `engine "${engine}": ${message}`, options);
    this.engine = engine;
  }
}

/** The caller asked for an engine or preset that does not exist. */
export class UnknownNameError extends ZoomwalkError {
  constructor(what: 'engine' | 'preset', name: string, known: readonly string[]) {
    super(what === 'engine' ? 'ZW_UNKNOWN_ENGINE' : 'ZW_UNKNOWN_PRESET', 'validation', `unknown ${what} "${name}"; known: ${known.join(', ')}`);
  }
}

/** The render was cancelled through its AbortSignal. */
export class AbortError extends ZoomwalkError {
  constructor(message = 'render aborted') {
    super('ZW_ABORTED', 'aborted', message);
  }
}

/** Throws AbortError if the signal has fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}
