import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

/** The fields of a multipart request: text values, and file parts as buffers. */
export async function readMultipart(req: FastifyRequest): Promise<{ fields: Record<string, string>; files: Record<string, Buffer> }> {
  const fields: Record<string, string> = {};
  const files: Record<string, Buffer> = {};
  for await (const part of req.parts()) {
    if (part.type === 'file') files[part.fieldname] = await part.toBuffer();
    else fields[part.fieldname] = String(part.value);
  }
  return { fields, files };
}
