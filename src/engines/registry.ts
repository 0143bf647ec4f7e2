import { UnknownNameError } from '../errors.js';
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

/** Adds or replaces an engine factory (for adapters and tests). */
export function registerEngine(name: string, factory: EngineFactory): void {
  factories.set(name, factory);
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
