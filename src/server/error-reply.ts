import type { FastifyError, FastifyReply } from 'fastify';
import { ValidationError, type ValidationIssue, ZoomwalkError } from '../errors.js';

/** A client's mistake as every API plugin words it: the status, one message, and the fields at fault. */
export interface ClientError {
  readonly status: number;
  readonly message: string;
  readonly issues: readonly ValidationIssue[];
}

/** A validation ZoomwalkError (a bad field, image, URL or body) as its `httpStatus` and fields; null for anything else. What each API plugin maps into its own body. */
export function validationError(err: unknown): ClientError | null {
  if (err instanceof ValidationError) return { status: err.httpStatus, message: err.message, issues: err.issues };
  if (err instanceof ZoomwalkError && err.kind === 'validation') return { status: err.httpStatus, message: err.message, issues: [] };
  return null;
}

/**
 * The client's mistake an error stands for, or null for a failure of the server's own: validation
 * ZoomwalkErrors answer their `httpStatus`, Fastify's own 4xx (body too large, malformed JSON,
 * unsupported media type, multipart limits) keep theirs.
 */
export function clientError(err: unknown): ClientError | null {
  const validation = validationError(err);
  if (validation || err instanceof ZoomwalkError || !(err instanceof Error)) return validation;
  const { code, statusCode } = err as Partial<FastifyError>;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, message: 'request body too large', issues: [] };
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err instanceof SyntaxError && statusCode === 400)) {
    return { status: 400, message: `malformed JSON body: ${err.message}`, issues: [] };
  }
  if (statusCode && statusCode >= 400 && statusCode < 500) return { status: statusCode, message: err.message, issues: [] };
  return null;
}

/**
 * The generic error body `{status: "error", message}` (v5, ModelsLab, admin, and whatever an API
 * plugin does not map itself): a client's mistake answers its 4xx (validation errors list each
 * field), anything else is a 500 with the reason.
 */
export function sendGenericError(err: unknown, reply: FastifyReply): FastifyReply {
  const send = (status: number, body: Record<string, unknown>): FastifyReply => reply.code(status).send({ status: 'error', ...body });
  const client = clientError(err);
  if (client) return send(client.status, { message: client.message, ...(err instanceof ValidationError ? { errors: client.issues.map((i) => ({ field: i.path, message: i.message })) } : {}) });
  if (err instanceof ZoomwalkError) return send(err.httpStatus, { message: err.message });
  return send(500, { message: err instanceof Error ? err.message : String(err) });
}
