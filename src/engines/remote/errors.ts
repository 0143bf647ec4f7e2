import { EngineError } from '../../errors.js';

/** A remote engine failed: names the engine, the method and path (never a key), the status and a body excerpt. */
export class RemoteEngineError extends EngineError {
  readonly status: number | null;
  readonly path: string;
  constructor(engine: string, path: string, status: number | null, message: string, options?: { cause?: unknown }) {
    super(engine, message, options);
    Object.defineProperty(this, 'code', { value: 'ZW_REMOTE_ENGINE' });
    this.status = status;
    this.path = path;
  }
}

/** Replaces every secret in `text` (keys, tokens) with "***". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
