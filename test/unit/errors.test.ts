import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import { ERROR_CODES, ZoomwalkError, type ErrorCode } from '../../src/errors.js';

const page = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
/** Rows of the page's code table: `| \`ZW_X\` | kind | exit | http | meaning |`. */
const rows = new Map(
  [...page.matchAll(/^\| `(ZW_[A-Z_]+)` \| (\w+) \| (\d+) \| (\d+) \|/gm)].map((m) => [m[1]!, { kind: m[2]!, exitCode: Number(m[3]), httpStatus: Number(m[4]) }]),
);

describe('error codes', () => {
  it('docs/errors.md lists exactly the codes of src/errors.ts, with the same kind, exit code and HTTP status', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), code).toEqual({ kind: info.kind, exitCode: info.exitCode, httpStatus: info.httpStatus });
    }
  });

  it('no source file defines a ZW_ code outside src/errors.ts', async () => {
    const { readdirSync } = await import('node:fs');
    const src = new URL('../../src/', import.meta.url);
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && f !== 'errors.ts');
    const strays = files.flatMap((f) => [...readFileSync(new URL(f, src), 'utf8').matchAll(/['"`](ZW_[A-Z_]+)['"`]/g)].map((m) => `${f}: ${m[1]}`));
    const unknown = strays.filter((s) => !(s.split(': ')[1]! in ERROR_CODES));
    expect(unknown).toEqual([]);
  });

  it('every error class is exported from the package root and carries its row', () => {
    const names = Object.values(root as Record<string, unknown>)
      .filter((v): v is { name: string; prototype: unknown } => typeof v === 'function' && v.prototype instanceof ZoomwalkError)
      .map((c) => c.name)
      .sort();
    expect(names).toEqual(['AbortError', 'EncoderError', 'EngineConfigError', 'EngineError', 'ImageLoadError', 'RemoteEngineError', 'UnknownNameError', 'UsageError', 'ValidationError']);
    const err = new root.RemoteEngineError('bfl', '/v1/x', 503, 'service unavailable');
    expect(err.code satisfies ErrorCode).toBe('ZW_REMOTE_ENGINE');
    expect(err).toBeInstanceOf(root.EngineError);
    expect([err.kind, err.exitCode, err.httpStatus]).toEqual(['runtime', 1, 502]);
    const usage = new root.UsageError('missing request file');
    expect([usage.kind, usage.exitCode, usage.httpStatus]).toEqual(['validation', 2, 400]);
  });
});
