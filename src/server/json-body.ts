import type { FastifyInstance } from 'fastify';
import { ZoomwalkError } from '../errors.js';

/** The deepest nesting of arrays and objects a JSON body may have; no API needs more than a few levels. */
export const MAX_JSON_DEPTH = 64;

/** True when a JSON text nests arrays/objects deeper than `limit` (brackets inside strings do not count); one pass, no parse. */
export function jsonTooDeep(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * Replaces Fastify's JSON parser with one that refuses a body nested deeper than `maxDepth` before
 * parsing it (400 ZW_BAD_BODY): a 20,000-deep body would otherwise overflow the stack of whatever
 * walks it later. Parsing itself stays Fastify's (prototype-poisoning checks included).
 */
export function limitJsonDepth(app: FastifyInstance, maxDepth = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (jsonTooDeep(body as string, maxDepth)) return done(new ZoomwalkError('ZW_BAD_BODY', `request body: JSON nested deeper than ${maxDepth} levels`), undefined);
    return parse(req, body as string, done);
  });
}
