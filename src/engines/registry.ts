import { UnknownNameError, ValidationError } from '../errors.js';
import { classicalEngine } from './classical/index.js';
import { mirrorEngine } from './mirror.js';
import { a1111Engine } from './remote/a1111.js';
import { aithrivingEngine } from './remote/aithriving.js';
import { bflEngine } from './remote/bfl.js';
import { comfyuiEngine } from './remote/comfyui.js';
import { iopaintEngine } from './remote/iopaint.js';
import { modelslabEngine } from './remote/modelslab.js';
import { picsartEngine } from './remote/picsart.js';
import type { EngineDefinition, EngineFactory, EngineOptions, OutpaintEngine } from './types.js';

export type { EngineDefinition, EngineFactory, EngineOptions } from './types.js';

/** The engine used when a caller names none. */
export const DEFAULT_ENGINE = 'classical';

/** The built-in engines; each module owns its factory (options, environment, default URL). */
const BUILT_IN: readonly EngineDefinition[] = [mirrorEngine, classicalEngine, iopaintEngine, a1111Engine, comfyuiEngine, bflEngine, modelslabEngine, picsartEngine, aithrivingEngine];

const factories = new Map<string, EngineFactory>(BUILT_IN.map((d) => [d.name, d.create]));
const optionNames = new Map<string, readonly string[]>(BUILT_IN.map((d) => [d.name, d.options ?? []]));

/** Adds or replaces an engine factory (for adapters and tests), with the `engine_options` a request may give it. */
export function registerEngine(name: string, factory: EngineFactory, options: readonly string[] = []): void {
  factories.set(name, factory);
  optionNames.set(name, options);
}

/**
 * Refuses request `engine_options` the named engine does not declare (422 naming each option and
 * the allowed ones), so a request cannot override what the walk fixes. An engine unknown to the
 * registry (an instance the caller built) is not checked: it never receives `engine_options`.
 */
export function checkEngineOptions(name: string, given: Record<string, unknown> | null | undefined): void {
  const allowed = optionNames.get(name);
  if (!given || !allowed) return;
  const bad = Object.keys(given).filter((k) => !allowed.includes(k));
  if (bad.length === 0) return;
  const which = allowed.length > 0 ? `the options of engine "${name}" are ${allowed.join(', ')}` : `engine "${name}" takes no engine_options`;
  throw new ValidationError(bad.map((k) => ({ path: `engine_options.${k}`, message: `is not accepted; ${which}` })));
}

/** Names of the registered engines, sorted. */
export function engineNames(): string[] {
  return [...factories.keys()].sort();
}

/** Creates the engine registered under `name`, or throws UnknownNameError. */
export async function createEngine(name: string, options: EngineOptions = {}): Promise<OutpaintEngine> {
  const factory = factories.get(name);
  if (!factory) throw new UnknownNameError('engine', name, engineNames());
  return factory(options);
}
