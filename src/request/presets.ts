import { UnknownNameError, ValidationError } from '../errors.js';

/** A named set of request fields; the request's own fields override it. */
export interface Preset {
  readonly name: string;
  readonly description: string;
  readonly fields: Record<string, unknown>;
}

/** Finds a preset by name, or throws UnknownNameError; the shipped lookup is `getPreset` in src/presets/shipped.ts. */
export type PresetLookup = (name: string) => Preset;

/** The preset a preset file holds: its `description`, and every other field as a request field. */
export function presetFromJson(name: string, json: Record<string, unknown>): Preset {
  const { description, ...fields } = json;
  return { name, description: typeof description === 'string' ? description : '', fields };
}

/** Looks a preset up in `presets` by name, or throws UnknownNameError listing the known ones. */
export function findPreset(name: string, presets: readonly Preset[]): Preset {
  const found = presets.find((p) => p.name === name);
  if (!found) throw new UnknownNameError('preset', name, presets.map((p) => p.name));
  return found;
}

/** Applies `preset` (from the body or the caller) under the body's own fields; `lookup` is called only when a preset is named. */
export function applyPreset(body: unknown, lookup: PresetLookup, presetName?: string): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  const name = presetName ?? record['preset'];
  if (name === undefined || name === null) return body;
  if (typeof name !== 'string') throw new ValidationError([{ path: 'preset', message: `${JSON.stringify(name)} must be a string` }]);
  const fields = { ...lookup(name).fields };
  // The request's own timing wins whichever way it is given (both at once is an error).
  if (record['seconds_per_step'] !== undefined) delete fields['num_interpolation_steps'];
  if (record['num_interpolation_steps'] !== undefined) delete fields['seconds_per_step'];
  return { ...fields, ...record, preset: name };
}
