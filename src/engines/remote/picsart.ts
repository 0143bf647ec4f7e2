import { FormData } from 'undici';
import { RemoteEngineError, throwIfAborted } from '../../errors.js';
import type { RawImage } from '../../image/raw.js';
import { RemoteClient, type RemoteClientOptions } from './client.js';
import { redact } from './redact.js';
import { canvasPng, decodeResult, finishRemote, maskPng } from './images.js';
import { remoteSettings } from './config.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from '../types.js';

/** Picsart GenAI expand (or zoomwalk's own server, which speaks the same format), plus client tuning. */
export interface PicsartOptions extends Omit<RemoteClientOptions, 'engine' | 'baseUrl'> {
  /** Default https://genai-api.picsart.io. */
  readonly url?: string;
  /** Sent as X-Picsart-API-Key; redacted from every error. */
  readonly key: string;
  /** 'async' (default) answers 202 and is polled; 'sync' answers the result in the POST. */
  readonly mode?: 'async' | 'sync';
  /** Between polls of the inference, ms (default 1000). */
  readonly pollIntervalMs?: number;
  /** How long an inference may take, ms (default 5 min). */
  readonly deadlineMs?: number;
}

/** What the expand and inference endpoints answer. */
interface Answer {
  readonly status?: unknown;
  readonly inference_id?: unknown;
  readonly data?: unknown;
  readonly detail?: unknown;
  readonly code?: unknown;
}

const EXPAND = 'v1/painting/expand';

/** `picsart`: POST {url}/v1/painting/expand (multipart canvas + mask), polls the inference, downloads data[0].url. */
export function createPicsartEngine(o: PicsartOptions): OutpaintEngine {
  const secrets = [o.key, ...(o.secrets ?? [])];
  const client = new RemoteClient({ ...o, engine: 'picsart', baseUrl: o.url ?? 'https://genai-api.picsart.io', secrets });
  const headers = { 'x-picsart-api-key': o.key };
  const mode = o.mode ?? 'async';
  const fail = (path: string, message: string): RemoteEngineError => new RemoteEngineError('picsart', path, null, redact(message, secrets));

  /** The result URL once the answer is final, undefined while it is still processing. */
  const settle = (path: string, a: Answer): string | undefined => {
    const status = typeof a.status === 'string' ? a.status.toLowerCase() : '';
    if (status === 'processing' || status === 'accepted') return undefined;
    if (status === 'success') {
      const first = Array.isArray(a.data) ? (a.data[0] as { url?: unknown } | undefined) : undefined;
      if (typeof first?.url === 'string' && first.url) return first.url;
      throw fail(path, `answered success without data[0].url: ${JSON.stringify(a).slice(0, 200)}`);
    }
    if (status === 'failed') throw fail(path, `inference failed: ${typeof a.detail === 'string' ? a.detail : JSON.stringify(a.detail ?? null)}`);
    // Error bodies ({detail, code}) normally come with a 4xx/5xx, which the client reports; this is a 2xx one.
    if (a.detail !== undefined) throw fail(path, `answered an error: ${typeof a.detail === 'string' ? a.detail : JSON.stringify(a.detail)}${a.code !== undefined ? ` (code ${String(a.code)})` : ''}`);
    throw fail(path, `answered an unexpected body: ${JSON.stringify(a).slice(0, 200)}`);
  };

  return {
    name: 'picsart',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      const { width, height } = task.image;
      const form = new FormData();
      form.append('image', new Blob([await canvasPng(task.image)], { type: 'image/png' }), 'image.png');
      form.append('mask', new Blob([await maskPng(task.mask, width, height)], { type: 'image/png' }), 'mask.png');
      form.append('prompt', task.prompt);
      form.append('negative_prompt', task.negativePrompt);
      form.append('count', '1');
      form.append('format', 'PNG');
      form.append('seed', String(task.seed >>> 0));
      form.append('mode', mode);
      const sig = signal ? { signal } : {};
      const first = await client.json<Answer>(EXPAND, { method: 'POST', headers, body: form, ...sig });
      let url = settle(`/${EXPAND}`, first);
      if (url === undefined) {
        // Async mode always lands here; sync mode too when the service gave up waiting and handed out an id.
        const id = first.inference_id;
        if (typeof id !== 'string' || !id) throw fail(`/${EXPAND}`, `answered ${String(first.status)} without an inference_id`);
        const path = `${EXPAND}/inferences/${encodeURIComponent(id)}`;
        url = await client.poll(`GET /${path}`, async () => settle(`/${path}`, await client.json<Answer>(path, { headers, ...sig })), {
          intervalMs: o.pollIntervalMs ?? 1000,
          deadlineMs: o.deadlineMs ?? 5 * 60_000,
          ...sig,
        });
      }
      // The result lives on a CDN: no key header, so the key never travels to another host.
      const res = await client.call(url, sig);
      return finishRemote(task, await decodeResult('picsart', client.url(url).pathname, res.bytes, width, height));
    },
    close: () => client.close(),
  };
}

/** `picsart` in the registry: ZOOMWALK_PICSART_KEY (required), ZOOMWALK_PICSART_URL (default https://genai-api.picsart.io). */
export const picsartEngine: EngineDefinition = {
  name: 'picsart',
  create(o) {
    const s = remoteSettings('picsart', o, { url: 'https://genai-api.picsart.io', needsKey: true });
    return createPicsartEngine({ url: s.url, key: s.key!, ...(o.log ? { log: o.log } : {}) });
  },
};
