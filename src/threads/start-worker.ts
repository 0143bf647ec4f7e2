import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `name` (without extension) that sits next to the module at `from`
 * (its import.meta.url). From compiled dist/ that is `name.js`; from TypeScript sources (vitest,
 * tsx) the worker first registers tsx's loader, then imports `name.ts`.
 */
export function startWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, from), options);
  // tsx's ESM API (the `import` condition of tsx/esm/api); require.resolve would give the CJS one.
  const api = pathToFileURL(join(dirname(createRequire(from).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL(`./${name}.ts`, from).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { ...options, eval: true });
}
