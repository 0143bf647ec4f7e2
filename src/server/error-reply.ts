import type { FastifyError, FastifyReply } from 'fastify';
import { ValidationError, ZoomwalkError } from '../errors.js';

/**
 * The generic error body `{status: "error", message}` (v5, ModelsLab, admin, and whatever an API
 * plugin does not map itself): a ZoomwalkError answers its `httpStatus` (validation errors list
 * each field), Fastify's own 4xx keep their status, anything else is a 500 with the reason.
 */
export function sendGenericError(err: unknown, reply: FastifyReply): FastifyReply {
  const send = (status: number, body: Record<string, unknown>): FastifyReply => reply.code(status).send({ status: 'error', ...body });
  if (!(err instanceof Error)) return send(500, { message: String(err) });
  if (err instanceof ValidationError) return send(err.httpStatus, { message: err.message, errors: err.issues.map((i) => ({ field: i.path, message: i.message })) });
  if (err instanceof ZoomwalkError) return send(err.httpStatus, { message: err.message });
  const { code, statusCode } = err as Partial<FastifyError>;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(413, { message: 'request body too large' });
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (err instanceof SyntaxError && statusCode === 400)) {
    return send(400, { message: `malformed JSON body: ${err.message}` });
  }
  if (statusCode && statusCode >= 400 && statusCode < 500) return send(statusCode, { message: err.message });
  return send(500, { message: err.message });
}
