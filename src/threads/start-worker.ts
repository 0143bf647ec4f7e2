import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The `--import` preloads of this process other than tsx's, as URLs: a worker started from a file
 * runs them itself, one started from eval code (below) does not, so it imports them.
 */
function preloads(): string[] {
  const found: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const value = args[i] === '--import' ? args[++i] : args[i]?.startsWith('--import=') ? args[i]!.slice('--import='.length) : undefined;
    if (!value || /(^|[\\/])tsx([\\/]|$)/.test(value)) continue;
    found.push(value.startsWith('.') || isAbsolute(value) ? pathToFileURL(resolve(value)).href : value);
  }
  return found;
}

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
  const first = preloads().map((p) => `await import(${JSON.stringify(p)});`).join(' ');
  return new Worker(`import(${JSON.stringify(api)}).then(async (m) => { m.register(); ${first} return import(${JSON.stringify(entry)}); });`, { ...options, eval: true });
}
