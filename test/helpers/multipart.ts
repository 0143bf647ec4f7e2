import type { Received } from './fake-server.js';

/** A multipart request as a fake service sees it: text fields, and file parts with their bytes and type. */
export interface ParsedForm {
  readonly fields: Record<string, string>;
  readonly files: Record<string, { readonly bytes: Buffer; readonly type: string; readonly name: string }>;
}

/** Parses a received multipart/form-data body with the platform's own parser; null when it is not multipart. */
export async function readForm(r: Received): Promise<ParsedForm | null> {
  const ct = r.headers['content-type'] ?? '';
  if (!ct.startsWith('multipart/form-data')) return null;
  const form = await new Request('http://x', { method: 'POST', headers: { 'content-type': ct }, body: r.body }).formData();
  const fields: Record<string, string> = {};
  const files: ParsedForm['files'] = {};
  for (const [k, v] of form.entries()) {
    if (typeof v === 'string') fields[k] = v;
    else files[k] = { bytes: Buffer.from(await v.arrayBuffer()), type: v.type, name: v.name };
  }
  return { fields, files };
}
