import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findPreset, presetFromJson, type Preset } from '../request/presets.js';

/** presets/ at the package root, from both src/ and dist/. */
const PRESET_DIR = fileURLToPath(new URL('../../presets/', import.meta.url));

/** Every preset shipped in presets/ (or `dir`), sorted by name; the one place that reads preset files. */
export function listPresets(dir = PRESET_DIR): Preset[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => presetFromJson(f.slice(0, -'.json'.length), JSON.parse(readFileSync(dir + f, 'utf8')) as Record<string, unknown>));
}

/** Looks a shipped preset up by name, or throws UnknownNameError listing the known ones (a PresetLookup). */
export function getPreset(name: string, dir = PRESET_DIR): Preset {
  return findPreset(name, listPresets(dir));
}
