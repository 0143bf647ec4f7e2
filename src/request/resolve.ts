import { applyPreset, type PresetLookup } from './presets.js';
import { validateWalkRequest } from './validate.js';
import type { WalkRequest } from './walk-request.js';

/** What a caller may put on top of a raw request body. */
export interface ResolveOptions {
  /** Preset applied under the request's own fields (wins over the body's `preset`). */
  readonly preset?: string;
  /** Replaces the request's `image` (CLI --image). */
  readonly image?: string;
}

/**
 * Validates a raw request (preset applied, image overridden) without rendering. Pure: presets
 * come through `lookup` (the shipped ones: `getPreset` from src/presets/shipped.ts).
 */
export function resolveRequest(body: unknown, lookup: PresetLookup, options: ResolveOptions = {}): WalkRequest {
  const merged = applyPreset(body, lookup, options.preset) as Record<string, unknown>;
  return validateWalkRequest(options.image !== undefined && typeof merged === 'object' && merged !== null ? { ...merged, image: options.image } : merged);
}
