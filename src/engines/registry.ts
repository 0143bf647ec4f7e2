import { UnknownNameError } from '../errors.js';
import { createClassicalEngine } from './classical/index.js';
import { createA1111Engine } from './a1111.js';
import { createAithrivingEngine } from './aithriving.js';
import { createComfyuiEngine } from './comfyui.js';
import { createBflEngine } from './bfl.js';
import { createModelslabEngine } from './modelslab.js';
import { createIopaintEngine } from './iopaint.js';
import { createPicsartEngine } from './picsart.js';
import { createMirrorEngine } from './mirror.js';
import { remoteSettings } from './remote/config.js';
import type { OutpaintEngine } from './types.js';

/** Options every engine factory receives; adapters read what they need. */
export interface EngineOptions {
  /** Where warnings go (e.g. a fallback); the CLI prints them on stderr. */
  readonly warn?: (message: string) => void;
  readonly threads?: number;
  /** Remote engines: the service's base URL (else ZOOMWALK_<NAME>_URL, else its public default). */
  readonly url?: string;
  /** Remote engines: the API key (else ZOOMWALK_<NAME>_KEY). */
  readonly key?: string;
  /** Remote engines: extra request fields merged into every call (service-specific tuning). */
  readonly extra?: Record<string, unknown>;
  readonly log?: (message: string) => void;
}

export type EngineFactory = (options: EngineOptions) => OutpaintEngine | Promise<OutpaintEngine>;

/** The engine used when a caller names none. */
export const DEFAULT_ENGINE = 'classical';

const factories = new Map<string, EngineFactory>([
  ['mirror', () => createMirrorEngine()],
  ['classical', (o) => createClassicalEngine(o.threads !== undefined ? { threads: o.threads } : {})],
  [
    'iopaint',
    (o) => {
      const s = remoteSettings('iopaint', o, { url: 'http://127.0.0.1:8080', needsKey: false });
      return createIopaintEngine({ url: s.url, ...(o.extra ? { extra: o.extra } : {}), ...(o.log ? { log: o.log } : {}) });
    },
  ],
  [
    'a1111',
    (o) => {
      const s = remoteSettings('a1111', o, { url: 'http://127.0.0.1:7860', needsKey: false });
      // An A1111 started with --api-auth user:password takes ZOOMWALK_A1111_KEY as "user:password".
      const [user, ...rest] = (s.key ?? '').split(':');
      const auth = s.key && rest.length > 0 ? { auth: { user: user!, password: rest.join(':') } } : {};
      return createA1111Engine({ url: s.url, ...auth, ...(o.extra ? { extra: o.extra } : {}), ...(o.log ? { log: o.log } : {}) });
    },
  ],
  [
    'comfyui',
    (o) => {
      const s = remoteSettings('comfyui', o, { url: 'http://127.0.0.1:8188', needsKey: false });
      const checkpoint = o.extra?.['checkpoint'] ?? process.env['ZOOMWALK_COMFYUI_CHECKPOINT'];
      return createComfyuiEngine({ url: s.url, ...(typeof checkpoint === 'string' ? { checkpoint } : {}), ...(o.log ? { log: o.log } : {}) });
    },
  ],
  [
    'bfl',
    (o) => {
      const s = remoteSettings('bfl', o, { url: 'https://api.bfl.ai', needsKey: true });
      const mode = o.extra?.['mode'];
      const tolerance = o.extra?.['safety_tolerance'];
      return createBflEngine({ url: s.url, key: s.key!, ...(typeof mode === 'string' ? { mode } : {}), ...(typeof tolerance === 'number' ? { safetyTolerance: tolerance } : {}), ...(o.log ? { log: o.log } : {}) });
    },
  ],
  [
    'modelslab',
    (o) => {
      const s = remoteSettings('modelslab', o, { url: 'https://modelslab.com', needsKey: true });
      return createModelslabEngine({ url: s.url, key: s.key!, ...(o.log ? { log: o.log } : {}) });
    },
  ],
  [
    'picsart',
    (o) => {
      const s = remoteSettings('picsart', o, { url: 'https://genai-api.picsart.io', needsKey: true });
      return createPicsartEngine({ url: s.url, key: s.key!, ...(o.log ? { log: o.log } : {}) });
    },
  ],
  [
    'aithriving',
    (o) => {
      const s = remoteSettings('aithriving', o, { needsKey: true });
      const creativity = o.extra?.['creativity'];
      return createAithrivingEngine({ url: s.url, key: s.key!, ...(typeof creativity === 'number' ? { creativity } : {}), ...(o.log ? { log: o.log } : {}) });
    },
  ],
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
