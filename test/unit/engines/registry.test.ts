import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mirrorEngine } from '../../../src/engines/mirror.js';
import { createEngine, DEFAULT_ENGINE, engineNames, registerEngine } from '../../../src/engines/registry.js';
import type { OutpaintEngine } from '../../../src/engines/types.js';
import { EngineConfigError, UnknownNameError } from '../../../src/errors.js';

const BUILT_IN = ['a1111', 'aithriving', 'bfl', 'classical', 'comfyui', 'iopaint', 'mirror', 'modelslab', 'picsart'];
/** Remote engines that refuse to start without an API key; the others run keyless on a local service. */
const NEED_KEY = ['aithriving', 'bfl', 'modelslab', 'picsart'];
const KEYLESS = ['a1111', 'comfyui', 'iopaint'];

// The factories read process.env: each test starts with no ZOOMWALK_* variable and gets the
// caller's environment back afterwards.
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = {};
  for (const k of Object.keys(process.env)) {
    if (!k.startsWith('ZOOMWALK_')) continue;
    saved[k] = process.env[k];
    delete process.env[k];
  }
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (k.startsWith('ZOOMWALK_')) delete process.env[k];
  for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
});

/** Creates an engine, checks its name, and releases it (remote engines own a connection pool). */
async function created(name: string, options: Parameters<typeof createEngine>[1] = {}): Promise<string> {
  const engine = await createEngine(name, options);
  try {
    return engine.name;
  } finally {
    await engine.close?.();
  }
}

describe('engine registry', () => {
  it('lists the built-in engines, sorted, the default among them', () => {
    expect(engineNames()).toEqual(expect.arrayContaining(BUILT_IN));
    expect(engineNames()).toEqual([...engineNames()].sort());
    expect(engineNames()).toContain(DEFAULT_ENGINE);
    expect(DEFAULT_ENGINE).toBe('classical');
  });

  it('creates a known engine under its own name', async () => {
    expect(await created('mirror')).toBe('mirror');
    expect(await created('classical', { threads: 0 })).toBe('classical');
  });

  it('rejects an unknown name with UnknownNameError listing the known ones', async () => {
    const err = await createEngine('nope').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnknownNameError);
    expect((err as UnknownNameError).code).toBe('ZW_UNKNOWN_ENGINE');
    expect((err as Error).message).toContain('"nope"');
    expect((err as Error).message).toContain(`known: ${engineNames().join(', ')}`);
  });

  it('registerEngine adds a name, and replaces an existing one', async () => {
    const fake = (name: string): OutpaintEngine => ({ name, outpaint: () => Promise.reject(new Error('not called')) });
    expect(engineNames()).not.toContain('unit-fake');
    registerEngine('unit-fake', () => fake('unit-fake'));
    try {
      expect(engineNames()).toContain('unit-fake');
      expect(await created('unit-fake')).toBe('unit-fake');
      registerEngine('mirror', () => fake('replaced'));
      expect(await created('mirror')).toBe('replaced');
      // Replacing keeps the name listed once.
      expect(engineNames().filter((n) => n === 'mirror')).toHaveLength(1);
    } finally {
      registerEngine('mirror', mirrorEngine.create);
    }
    expect(await created('mirror')).toBe('mirror');
  });

  it('passes the caller’s options to the factory', async () => {
    const seen: unknown[] = [];
    registerEngine('unit-options', (o) => {
      seen.push(o);
      return { name: 'unit-options', outpaint: () => Promise.reject(new Error('not called')) };
    });
    await created('unit-options', { url: 'http://127.0.0.1:1', key: 'k', threads: 3 });
    expect(seen).toEqual([{ url: 'http://127.0.0.1:1', key: 'k', threads: 3 }]);
  });
});

describe('engine definitions and their environment variables', () => {
  it.each(NEED_KEY)('%s without a key fails with EngineConfigError naming ZOOMWALK_<NAME>_KEY', async (name) => {
    const err = await createEngine(name, { url: 'http://127.0.0.1:1' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EngineConfigError);
    expect((err as EngineConfigError).code).toBe('ZW_ENGINE_CONFIG');
    expect((err as Error).message).toContain(`ZOOMWALK_${name.toUpperCase()}_KEY`);
  });

  it.each(NEED_KEY)('%s takes its key from the option or from ZOOMWALK_<NAME>_KEY', async (name) => {
    expect(await created(name, { url: 'http://127.0.0.1:1', key: 'k-option' })).toBe(name);
    process.env[`ZOOMWALK_${name.toUpperCase()}_KEY`] = 'k-env';
    expect(await created(name, { url: 'http://127.0.0.1:1' })).toBe(name);
  });

  it('aithriving has no public default URL: without one it names ZOOMWALK_AITHRIVING_URL; the variable is enough', async () => {
    await expect(createEngine('aithriving', { key: 'k' })).rejects.toThrow(EngineConfigError);
    await expect(createEngine('aithriving', { key: 'k' })).rejects.toThrow(/ZOOMWALK_AITHRIVING_URL/);
    process.env['ZOOMWALK_AITHRIVING_URL'] = 'http://127.0.0.1:1';
    process.env['ZOOMWALK_AITHRIVING_KEY'] = 'k-env';
    expect(await created('aithriving')).toBe('aithriving');
  });

  it.each(['bfl', 'modelslab', 'picsart'])('%s has a public default URL: a key alone is enough', async (name) => {
    expect(await created(name, { key: 'k' })).toBe(name);
  });

  it.each(KEYLESS)('%s needs neither key nor URL (it defaults to a local service)', async (name) => {
    expect(await created(name)).toBe(name);
  });

  it.each(['mirror', 'classical'])('%s reads no environment variable', async (name) => {
    expect(await created(name, { threads: 0 })).toBe(name);
  });
});
