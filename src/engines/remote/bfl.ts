import { RemoteEngineError, throwIfAborted } from '../../errors.js';
import type { RawImage } from '../../image/raw.js';
import { RemoteClient, type RemoteClientOptions } from './client.js';
import { redact } from './redact.js';
import { decodeResult, finishRemote, knownPng } from './images.js';
import { remoteSettings } from './config.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from '../types.js';

/** Black Forest Labs' API (or anything speaking its flux-tools outpainting format), plus client tuning. */
export interface BflOptions extends Omit<RemoteClientOptions, 'engine' | 'baseUrl' | 'secrets'> {
  /** Base URL (default https://api.bfl.ai). */
  readonly url?: string;
  /** Sent as the `x-key` header; never shown in an error or a log line. */
  readonly key: string;
  /** Wait between two polls of `polling_url`, ms (default 500). */
  readonly pollIntervalMs?: number;
  /** How long a task may stay Pending before giving up, ms (default 5 min). */
  readonly deadlineMs?: number;
  readonly outputFormat?: 'png' | 'jpeg';
  /** 0 (strict) to 6 (permissive); default 2. */
  readonly safetyTolerance?: number;
  readonly mode?: string;
}

const PATH = 'v1/flux-tools/outpainting-v1';
const PENDING = new Set(['Pending', 'Processing', 'Queued']);

/** What the submit call answers. */
interface Submitted {
  readonly id?: unknown;
  readonly polling_url?: unknown;
}

/** What `polling_url` answers. */
interface Polled {
  readonly status?: unknown;
  readonly result?: { readonly sample?: unknown } | null;
  readonly details?: unknown;
}

/** `bfl`: POST the known part with its offset on the canvas, poll `polling_url` until Ready, download `result.sample`. */
export function createBflEngine(o: BflOptions): OutpaintEngine {
  const secrets = [o.key];
  const client = new RemoteClient({ ...o, engine: 'bfl', baseUrl: o.url ?? 'https://api.bfl.ai', secrets });
  const fail = (path: string, message: string): RemoteEngineError => new RemoteEngineError('bfl', path, null, redact(message, secrets));
  const auth = { 'x-key': o.key };
  return {
    name: 'bfl',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      const { width, height } = task.image;
      const sig = signal ? { signal } : {};
      // The service places the picture itself, so only the known part goes up, with where it sits.
      const known = await knownPng(task);
      const body = {
        input_image: known.png.toString('base64'),
        width,
        height,
        reference_offset_x: known.box.x,
        reference_offset_y: known.box.y,
        prompt: task.prompt,
        seed: task.seed,
        steps: task.steps,
        output_format: o.outputFormat ?? 'png',
        safety_tolerance: o.safetyTolerance ?? 2,
        ...(o.mode !== undefined ? { mode: o.mode } : {}),
      };
      const submitted = await client.json<Submitted>(PATH, { method: 'POST', headers: auth, body, ...sig });
      if (typeof submitted.polling_url !== 'string' || !submitted.polling_url) {
        throw fail(`/${PATH}`, `POST /${PATH} answered without a polling_url: ${JSON.stringify(submitted).slice(0, 200)}`);
      }
      const pollingUrl = submitted.polling_url;
      const pollPath = client.url(pollingUrl).pathname;
      const sample = await client.poll(
        `GET ${pollPath}`,
        async () => {
          const r = await client.json<Polled>(pollingUrl, { headers: auth, ...sig });
          const status = typeof r.status === 'string' ? r.status : JSON.stringify(r.status ?? null);
          if (PENDING.has(status)) return undefined;
          if (status !== 'Ready') {
            // Error, Content Moderated, Request Moderated, Task not found (or a status we do not know): final.
            const details = r.details === undefined ? '' : `: ${JSON.stringify(r.details).slice(0, 200)}`;
            throw fail(pollPath, `task ${String(submitted.id ?? '?')} ended with status "${status}"${details}`);
          }
          if (typeof r.result?.sample !== 'string') throw fail(pollPath, `status Ready without result.sample: ${JSON.stringify(r).slice(0, 200)}`);
          return r.result.sample;
        },
        { intervalMs: o.pollIntervalMs ?? 500, deadlineMs: o.deadlineMs ?? 5 * 60_000, ...sig },
      );
      // The sample is a signed delivery URL, often on another host: the key is not sent there.
      const res = await client.call(sample, sig);
      return finishRemote(task, await decodeResult('bfl', client.url(sample).pathname, res.bytes, width, height));
    },
    close: () => client.close(),
  };
}

/** `bfl` in the registry: ZOOMWALK_BFL_KEY (required), ZOOMWALK_BFL_URL (default https://api.bfl.ai), `mode` and `safety_tolerance` from `extra`. */
export const bflEngine: EngineDefinition = {
  name: 'bfl',
  options: ['mode', 'safety_tolerance'],
  create(o) {
    const s = remoteSettings('bfl', o, { url: 'https://api.bfl.ai', needsKey: true });
    const mode = o.extra?.['mode'];
    const tolerance = o.extra?.['safety_tolerance'];
    return createBflEngine({ url: s.url, key: s.key!, ...(typeof mode === 'string' ? { mode } : {}), ...(typeof tolerance === 'number' ? { safetyTolerance: tolerance } : {}), ...(o.log ? { log: o.log } : {}) });
  },
};
