import type { FastifyPluginCallback } from 'fastify';
import type { ArtifactStore } from '../jobs/artifact-store.js';

const TYPES: Record<string, string> = { mp4: 'video/mp4', webm: 'video/webm', gif: 'image/gif', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };
// One flat directory of generated names: anything else (slashes, dots first, ..) is refused.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*\.[a-z0-9]+$/;

/**
 * GET /generations/:file — the outputs, with their content type and single-range requests for
 * seeking in video, read through the ArtifactStore (the store every API instance and worker shares).
 */
export const generationsRoutes: FastifyPluginCallback<{ readonly store: ArtifactStore }> = (scope, { store }, done) => {
  scope.get<{ Params: { file: string } }>('/generations/:file', async (req, reply) => {
    const name = req.params.file;
    if (!SAFE_NAME.test(name)) return reply.code(404).send({ status: 'error', message: 'no such generation' });
    const size = await store.size('generations', name);
    if (size === null) return reply.code(404).send({ status: 'error', message: 'no such generation' });
    const ext = name.slice(name.lastIndexOf('.') + 1);
    reply.header('content-type', TYPES[ext] ?? 'application/octet-stream').header('accept-ranges', 'bytes');
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (range && (range[1] || range[2])) {
      let start = range[1] ? Number(range[1]) : size - Number(range[2]);
      let end = range[1] && range[2] ? Number(range[2]) : size - 1;
      start = Math.max(0, start);
      end = Math.min(end, size - 1);
      if (start > end || start >= size) return reply.code(416).header('content-range', `bytes */${size}`).send();
      reply.code(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1);
      return reply.send(store.range('generations', name, start, end));
    }
    reply.header('content-length', size);
    return reply.send(size === 0 ? '' : store.range('generations', name, 0, size - 1));
  });
  done();
};
