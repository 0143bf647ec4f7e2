import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { listPresets } from '../../presets/shipped.js';

/** dist/studio at the package root (scripts/build-studio.mjs writes it), from both src/ and dist/. */
const STUDIO_DIR = fileURLToPath(new URL('../../../dist/studio/', import.meta.url));

/** What the studio page is told about this server. */
export interface StudioOptions {
  /** Engines a request may name (the server's own first). */
  readonly engines: readonly string[];
  readonly keyRequired: boolean;
  /** Where the built page is; default dist/studio. */
  readonly dir?: string;
}

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const ASSET = /^[a-z][a-z0-9-]*\.(js|css)$/;

/**
 * The page may talk to this server only and load nothing from elsewhere (no CDN, fonts or
 * scripts); images and media may be data/blob URIs, and a chosen image URL may be previewed.
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async function sendFile(reply: FastifyReply, dir: string, name: string): Promise<FastifyReply> {
  const body = await readFile(join(dir, name)).catch(() => null);
  if (body === null) {
    if (name !== 'index.html') return reply.code(404).send({ status: 'error', message: `no studio file ${name}` });
    return reply.code(503).type(TYPES['html']!).send('<!doctype html><title>zoomwalk studio</title><p>The studio page is not built: run <code>npm run build</code>.</p>');
  }
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return reply.header('content-type', TYPES[ext] ?? 'application/octet-stream').header('cache-control', 'no-cache').header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').send(body);
}

/** The studio page at `/` with its assets under `/studio/`, and the two small reads it needs: config and presets. */
export function studioRoutes(app: FastifyInstance, o: StudioOptions): void {
  const dir = o.dir ?? STUDIO_DIR;
  app.get('/', async (_req, reply) => sendFile(reply, dir, 'index.html'));
  app.get<{ Params: { file: string } }>('/studio/:file', async (req, reply) => {
    if (!ASSET.test(req.params.file)) return reply.code(404).send({ status: 'error', message: 'no such studio file' });
    return sendFile(reply, dir, req.params.file);
  });
  // Neither reveals anything a key protects: the page needs both before it can ask for a key.
  app.get('/api/studio/config', async () => ({
    engines: o.engines,
    default_engine: o.engines[0] ?? null,
    key_required: o.keyRequired,
    // The server side of docs/studio.md (`step_seeds`: the v5 `seed` takes one per step).
    features: { events: true, redo: true, step_seeds: true, delete: true },
  }));
  app.get('/api/studio/presets', async () => ({ presets: listPresets() }));
}
