import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Newest modification time of any file under `dir`. */
function newestMtime(dir: string): number {
  return Math.max(...(readdirSync(dir, { recursive: true }) as string[]).map((f) => statSync(join(dir, f)).mtimeMs));
}

/** Compiles src/ to dist/ when dist/ is missing or older than the sources (the wasm kernel is built by `pretest`). */
async function ensureBuilt(): Promise<void> {
  const entry = join(repo, 'dist/index.js');
  if (existsSync(entry) && existsSync(join(repo, 'dist/server/index.js')) && statSync(entry).mtimeMs >= newestMtime(join(repo, 'src'))) return;
  await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(repo, 'tsconfig.build.json')], { cwd: repo });
}

// Loader hooks run on their own thread in Node 20: each resolved URL is appended to a file
// synchronously, so the list is complete once the child's import has settled.
const HOOKS = `import { appendFileSync } from 'node:fs';
let log = '';
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`;
const REGISTER = `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url, { data: { log: process.env.ZW_RESOLVE_LOG } });
`;

let project = '';

/** Runs `code` as an ES module in a project that depends on zoomwalk; returns stdout and every URL resolved. */
async function inProject(code: string, name: string): Promise<{ stdout: string; resolved: string[] }> {
  const log = join(project, `${name}.log`);
  writeFileSync(log, '');
  const { stdout } = await run(process.execPath, ['--import', './register.mjs', '--input-type=module', '-e', code], {
    cwd: project,
    env: { ...process.env, ZW_RESOLVE_LOG: log },
  });
  return { stdout, resolved: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** URLs or CJS paths of server code: the server's own modules, Fastify and SQLite. */
function serverCode(urls: readonly string[]): string[] {
  return urls.filter((u) => /[/\\](fastify|@fastify|better-sqlite3)[/\\]|[/\\](src|dist)[/\\]server[/\\]/.test(u));
}

beforeAll(async () => {
  await ensureBuilt();
  project = mkdtempSync(join(tmpdir(), 'zoomwalk-exports-'));
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(repo, join(project, 'node_modules/zoomwalk'), 'dir');
  writeFileSync(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  writeFileSync(join(project, 'hooks.mjs'), HOOKS);
  writeFileSync(join(project, 'register.mjs'), REGISTER);
}, 180_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('package exports (built dist/)', () => {
  it("import 'zoomwalk' loads no server code: no fastify, no better-sqlite3, nothing of src/server or dist/server", async () => {
    const code = `import { createRequire } from 'node:module';
const m = await import('zoomwalk');
const cjs = Object.keys(createRequire(process.cwd() + '/').cache);
console.log(JSON.stringify({ exports: Object.keys(m), cjs }));`;
    const { stdout, resolved } = await inProject(code, 'root');
    const { exports, cjs } = JSON.parse(stdout) as { exports: string[]; cjs: string[] };
    // The hook saw the import: the root entry resolved through the exports map to dist/.
    expect(resolved.some((u) => u.endsWith('/dist/index.js'))).toBe(true);
    expect(resolved.some((u) => u.endsWith('/dist/render/render.js'))).toBe(true);
    expect(serverCode(resolved)).toEqual([]);
    expect(serverCode(cjs)).toEqual([]);
    expect(exports).toEqual(expect.arrayContaining(['render', 'resolveRequest', 'RemoteClient', 'ValidationError', 'ZoomwalkError', 'ERROR_CODES']));
    for (const internal of ['buildServer', 'DEFAULT_SERVER_OPTIONS', 'throwIfAborted', 'createLayer', 'unknownMask', 'responseMeta']) {
      expect(exports, internal).not.toContain(internal);
    }
  });

  it("import 'zoomwalk/server' gives buildServer (with its types)", async () => {
    const { stdout, resolved } = await inProject(`const s = await import('zoomwalk/server');\nconsole.log(typeof s.buildServer);`, 'server');
    expect(stdout.trim()).toBe('function');
    expect(resolved.some((u) => u.endsWith('/dist/server/index.js'))).toBe(true);
    // The same check that finds nothing for the root finds the server's dependencies here.
    expect(serverCode(resolved).some((u) => u.includes('/fastify/'))).toBe(true);
    expect(serverCode(resolved).some((u) => u.includes('/better-sqlite3/'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    expect(existsSync(join(repo, pkg.exports['./server']!.types))).toBe(true);
  });
});
