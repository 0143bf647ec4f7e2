import { describe, expect, it } from 'vitest';
import { UnknownNameError, ValidationError } from '../../../src/errors.js';
import { applyPreset, findPreset, presetFromJson, type Preset } from '../../../src/request/presets.js';
import { resolveRequest } from '../../../src/request/resolve.js';

const presets: Preset[] = [presetFromJson('tall', { description: 'a tall one', width: 512, height: 1024, fps: 24 })];
const lookup = (name: string): Preset => findPreset(name, presets);
const never = (): Preset => {
  throw new Error('no preset was named, so none may be looked up');
};

describe('presetFromJson', () => {
  it('keeps the description apart from the request fields', () => {
    expect(presets[0]).toEqual({ name: 'tall', description: 'a tall one', fields: { width: 512, height: 1024, fps: 24 } });
    expect(presetFromJson('bare', { fps: 30 }).description).toBe('');
  });
});

describe('resolveRequest (pure: presets come through the lookup)', () => {
  it('applies the preset the body names, under the body’s own fields', () => {
    const req = resolveRequest({ image: 'x.png', walk_type: 'left', preset: 'tall', fps: 30 }, lookup);
    expect(req).toMatchObject({ width: 512, height: 1024, fps: 30, preset: 'tall' });
  });

  it('lets the caller’s preset win over the body’s, and the caller’s image replace the body’s', () => {
    const req = resolveRequest({ image: 'x.png', walk_type: 'left', preset: 'other' }, lookup, { preset: 'tall', image: 'y.png' });
    expect(req).toMatchObject({ image: 'y.png', height: 1024, preset: 'tall' });
  });

  it('never calls the lookup when no preset is named', () => {
    expect(resolveRequest({ image: 'x.png', walk_type: ['up'] }, never).walk).toEqual(['up']);
    expect(applyPreset([1], never, 'tall')).toEqual([1]);
  });

  it('names the known presets when one is unknown, and rejects a non-string preset', () => {
    expect(() => resolveRequest({ image: 'x.png', walk_type: 'left', preset: 'wide' }, lookup)).toThrow(UnknownNameError);
    expect(() => resolveRequest({ image: 'x.png', walk_type: 'left', preset: 'wide' }, lookup)).toThrow(/unknown preset "wide"; known: tall/);
    expect(() => resolveRequest({ image: 'x.png', walk_type: 'left', preset: 3 }, lookup)).toThrow(ValidationError);
  });
});
