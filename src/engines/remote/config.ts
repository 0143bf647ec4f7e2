import { EngineConfigError } from '../../errors.js';

/** Where and how a remote engine is reached, from options first, then the environment. */
export interface RemoteSettings {
  readonly url: string;
  readonly key: string | undefined;
}

/**
 * Resolves a remote engine's URL and key: explicit options win, then ZOOMWALK_<NAME>_URL and
 * ZOOMWALK_<NAME>_KEY, then the service's public default URL.
 */
export function remoteSettings(name: string, given: { url?: string | undefined; key?: string | undefined }, defaults: { url?: string; needsKey: boolean }, env: NodeJS.ProcessEnv = process.env): RemoteSettings {
  const prefix = `ZOOMWALK_${name.toUpperCase()}`;
  const url = given.url ?? env[`${prefix}_URL`] ?? defaults.url;
  if (!url) throw new EngineConfigError(`engine "${name}" needs the service's URL: pass --engine-url or set ${prefix}_URL`);
  const key = given.key ?? env[`${prefix}_KEY`];
  if (defaults.needsKey && !key) throw new EngineConfigError(`engine "${name}" needs an API key: set ${prefix}_KEY`);
  return { url, key };
}
