import { UnknownNameError } from '../errors.js';
import { createClassicalEngine } from './classical/index.js';
import { createMirrorEngine } from './mirror.js';
import type { OutpaintEngine } from './types.js';

/** Options every engine factory receives; adapters read what they need. */
export interface EngineOptions {
  /** Where warnings go (e.g. a fallback); the CLI prints them on stderr. */
  readonly warn?: (message: string) => void;
  readonly threads?: number;
}

export type EngineFactory = (options: EngineOptions) => OutpaintEngine | Promise<OutpaintEngine>;

/** The engine used when a caller names none. */
export const DEFAULT_ENGINE = 'classical';

const factories = new Map<string, EngineFactory>([
  ['mirror', () => createMirrorEngine()],
  ['classical', (o) => createClassicalEngine(o.threads !== undefined ? { threads: o.threads } : {})],
]);

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
