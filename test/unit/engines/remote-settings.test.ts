import { describe, expect, it } from 'vitest';
import { remoteSettings } from '../../../src/engines/remote/config.js';
import { EngineConfigError } from '../../../src/errors.js';

const ENV = { ZOOMWALK_DEMO_URL: 'http://env.example', ZOOMWALK_DEMO_KEY: 'k-env' };
const DEFAULTS = { url: 'http://default.example', needsKey: false };

describe('remoteSettings (a remote engine’s URL and key, the environment passed explicitly)', () => {
  it('takes the URL from the option first, then ZOOMWALK_<NAME>_URL, then the default', () => {
    expect(remoteSettings('demo', { url: 'http://option.example' }, DEFAULTS, ENV).url).toBe('http://option.example');
    expect(remoteSettings('demo', {}, DEFAULTS, ENV).url).toBe('http://env.example');
    expect(remoteSettings('demo', {}, DEFAULTS, {}).url).toBe('http://default.example');
  });

  it('takes the key from the option first, then ZOOMWALK_<NAME>_KEY; none is undefined when not needed', () => {
    expect(remoteSettings('demo', { key: 'k-option' }, DEFAULTS, ENV).key).toBe('k-option');
    expect(remoteSettings('demo', {}, DEFAULTS, ENV).key).toBe('k-env');
    expect(remoteSettings('demo', {}, DEFAULTS, {})).toEqual({ url: 'http://default.example', key: undefined });
  });

  it('upper-cases the engine name in the variables', () => {
    expect(remoteSettings('Demo', {}, DEFAULTS, ENV)).toEqual({ url: 'http://env.example', key: 'k-env' });
  });

  it('an option given as undefined falls through to the environment', () => {
    expect(remoteSettings('demo', { url: undefined, key: undefined }, DEFAULTS, ENV)).toEqual({ url: 'http://env.example', key: 'k-env' });
  });

  it('without any URL throws EngineConfigError naming ZOOMWALK_<NAME>_URL and --engine-url', () => {
    const call = (): unknown => remoteSettings('demo', {}, { needsKey: false }, {});
    expect(call).toThrow(EngineConfigError);
    expect(call).toThrow(/ZOOMWALK_DEMO_URL/);
    expect(call).toThrow(/--engine-url/);
  });

  it('without a needed key throws EngineConfigError naming ZOOMWALK_<NAME>_KEY; an empty key counts as none', () => {
    const needs = { ...DEFAULTS, needsKey: true };
    expect(() => remoteSettings('demo', {}, needs, {})).toThrow(EngineConfigError);
    expect(() => remoteSettings('demo', {}, needs, {})).toThrow(/ZOOMWALK_DEMO_KEY/);
    expect(() => remoteSettings('demo', {}, needs, { ZOOMWALK_DEMO_KEY: '' })).toThrow(/ZOOMWALK_DEMO_KEY/);
    expect(remoteSettings('demo', {}, needs, ENV).key).toBe('k-env');
  });
});
