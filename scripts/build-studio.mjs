// Builds the studio page (src/studio) into dist/studio: app.js (Preact + TSX, bundled and
// minified by esbuild), app.css and index.html. Run by `npm run build` and by the browser tests.
// Files are written to a temporary name and renamed, so a server reading them never sees half a file.
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'src', 'studio');

/** Builds the page into `outDir` (default dist/studio) and returns the files written. */
export async function buildStudio(outDir = join(root, 'dist', 'studio')) {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(source, 'main.tsx'), 'app-style': join(source, 'style.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(source, 'tsconfig.json'),
    outdir: outDir,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const written = [];
  const put = (name, write) => {
    const path = join(outDir, name);
    const tmp = `${path}.${process.pid}.tmp`;
    write(tmp);
    renameSync(tmp, path);
    written.push(path);
  };
  for (const file of result.outputFiles) {
    // The CSS entry is named app-style.css by esbuild; the page links /studio/app.css.
    const name = file.path.endsWith('.css') ? 'app.css' : file.path.slice(dirname(file.path).length + 1);
    put(name, (tmp) => writeFileSync(tmp, file.contents));
  }
  put('index.html', (tmp) => copyFileSync(join(source, 'index.html'), tmp));
  return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const files = await buildStudio(process.argv[2]);
  process.stdout.write(`studio: ${files.length} files in ${dirname(files[0])}\n`);
}
