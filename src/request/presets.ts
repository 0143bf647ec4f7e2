import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UnknownNameError, ValidationError } from '../errors.js';

/** presets/ at the package root, from both src/ and dist/. */
const PRESET_DIR = fileURLToPath(new URL('../../presets/', import.meta.url));

/** A named set of request fields; the request's own fields override it. */
export interface Preset {
  readonly name: string;
  readonly description: string;
  readonly fields: Record<string, unknown>;
}

/** Every preset shipped in presets/, sorted by name. */
export function listPresets(dir = PRESET_DIR): Preset[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const json = JSON.parse(readFileSync(dir + f, 'utf8')) as { description?: string } & Record<string, unknown>;
      const { description = '', ...fields } = json;
      return { name: f.slice(0, -'.json'.length), description, fields };
    });
}

/** Looks a preset up by name, or throws UnknownNameError listing the known ones. */
export function getPreset(name: string, dir = PRESET_DIR): Preset {
  const all = listPresets(dir);
  const found = all.find((p) => p.name === name);
  if (!found) throw new UnknownNameError('preset', name, all.map((p) => p.name));
  return found;
}

/** Applies `preset` (from the body or the caller) under the body's own fields. */
export function applyPreset(body: unknown, presetName?: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  const name = presetName ?? record['preset'];
  if (name === undefined || name === null) return body;
  if (typeof name !== 'string') throw new ValidationError([{ path: 'preset', message: `${JSON.stringify(name)} must be a string` }]);
  return { ...getPreset(name).fields, ...record, preset: name };
}
