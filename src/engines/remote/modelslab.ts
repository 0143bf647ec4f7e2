import { RemoteEngineError, throwIfAborted } from '../../errors.js';
import type { RawImage } from '../../image/raw.js';
import { RemoteClient, type RemoteClientOptions } from './client.js';
import { redact } from './redact.js';
import type { SizedRect } from '../known-pixels.js';
import { cropTo, decodeResult, finishRemote, knownPng } from './images.js';
import { remoteSettings } from './config.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from '../types.js';

/** ModelsLab's enterprise API (or anything speaking its outpaint format), plus client tuning. */
export interface ModelslabOptions extends Omit<RemoteClientOptions, 'engine' | 'baseUrl' | 'secrets'> {
  /** Base URL (default https://modelslab.com). */
  readonly url?: string;
  /** Sent as `key` in every body; never shown in an error or a log line. */
  readonly key: string;
  /** Wait between two fetches of `fetch_result`, ms (default 2000). */
  readonly pollIntervalMs?: number;
  /** How long a job may stay "processing" before giving up, ms (default 10 min). */
  readonly deadlineMs?: number;
}

const PATH = 'api/v1/enterprise/image_editing/outpaint';
/** The service's documented upper limits. */
const MAX_OVERLAP = 42;
const MAX_STEPS = 30;
const PENDING = new Set(['processing', 'queued', 'pending']);

/** The Stable Diffusion API answer cycle: success with output URLs, processing with fetch_result, or error. */
interface Answer {
  readonly status?: unknown;
  readonly id?: unknown;
  readonly output?: unknown;
  readonly proxy_links?: unknown;
  readonly fetch_result?: unknown;
  readonly message?: unknown;
}

// The service always centres the picture on the canvas, while a walk's known part may sit anywhere
// (a step left leaves it at the right edge). So the request is for a larger canvas on which the known
// part IS centred (as much room on both sides as the wider side needs, so the centring is exact),
// and the task's canvas is then cut out of the answer.
/** The centred canvas to request for a known box on a width×height canvas, and where the task's canvas sits in it. */
export function centredRequest(box: SizedRect, width: number, height: number): { width: number; height: number; cropX: number; cropY: number } {
  const padX = Math.max(box.x, width - box.x - box.width);
  const padY = Math.max(box.y, height - box.y - box.height);
  return { width: 2 * padX + box.width, height: 2 * padY + box.height, cropX: padX - box.x, cropY: padY - box.y };
}

/** `modelslab`: POST the known part (centred by the service), follow processing → fetch_result, download output[0]. */
export function createModelslabEngine(o: ModelslabOptions): OutpaintEngine {
  const secrets = [o.key];
  const client = new RemoteClient({ ...o, engine: 'modelslab', baseUrl: o.url ?? 'https://modelslab.com', secrets });
  const fail = (path: string, message: string): RemoteEngineError => new RemoteEngineError('modelslab', path, null, redact(message, secrets));

  /** The image URL of a success, undefined while processing; throws on error or an unknown shape. */
  const settle = (a: Answer, path: string): string | undefined => {
    const status = typeof a.status === 'string' ? a.status : '';
    if (status === 'success') {
      const urls = [a.output, a.proxy_links].flatMap((v) => (Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string' && u.length > 0) : []));
      if (!urls[0]) throw fail(path, `status success without an output URL: ${JSON.stringify(a).slice(0, 200)}`);
      return urls[0];
    }
    if (PENDING.has(status)) return undefined;
    // The message is sometimes an object of field errors; it may quote the request, key included.
    const message = typeof a.message === 'string' ? a.message : JSON.stringify(a.message ?? a).slice(0, 300);
    throw fail(path, status === 'error' || status === 'failed' ? `the service reported an error: ${message}` : `answered with an unknown status "${status}": ${message}`);
  };

  return {
    name: 'modelslab',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      const sig = signal ? { signal } : {};
      const known = await knownPng(task);
      const canvas = centredRequest(known.box, task.image.width, task.image.height);
      const body = {
        key: o.key,
        image: `data:image/png;base64,${known.png.toString('base64')}`,
        width: canvas.width,
        height: canvas.height,
        prompt: task.prompt,
        negative_prompt: task.negativePrompt,
        overlap_width: Math.max(0, Math.min(MAX_OVERLAP, Math.round(task.overlap))),
        num_inference_steps: Math.max(1, Math.min(MAX_STEPS, Math.round(task.steps))),
        guidance_scale: task.guidance,
        seed: task.seed,
        base64: false,
        temp: true,
        webhook: null,
        track_id: null,
      };
      const first = await client.json<Answer>(PATH, { method: 'POST', body, ...sig });
      let output = settle(first, `/${PATH}`);
      if (output === undefined) {
        // fetch_result is absolute on the real service; an id alone still names the enterprise fetch route.
        const fetchUrl = typeof first.fetch_result === 'string' && first.fetch_result ? first.fetch_result : typeof first.id === 'string' || typeof first.id === 'number' ? `api/v1/enterprise/image_editing/fetch/${first.id}` : null;
        if (!fetchUrl) throw fail(`/${PATH}`, `status processing without fetch_result or id: ${JSON.stringify(first).slice(0, 200)}`);
        const fetchPath = client.url(fetchUrl).pathname;
        output = await client.poll(`POST ${fetchPath}`, async () => settle(await client.json<Answer>(fetchUrl, { method: 'POST', body: { key: o.key }, ...sig }), fetchPath), {
          intervalMs: o.pollIntervalMs ?? 2000,
          deadlineMs: o.deadlineMs ?? 10 * 60_000,
          ...sig,
        });
      }
      const res = await client.call(output, sig);
      const outPath = client.url(output).pathname;
      const full = await decodeResult('modelslab', outPath, res.bytes, canvas.width, canvas.height);
      return finishRemote(task, cropTo(full, task.image.width, task.image.height, canvas.cropX, canvas.cropY));
    },
    close: () => client.close(),
  };
}

/** `modelslab` in the registry: ZOOMWALK_MODELSLAB_KEY (required), ZOOMWALK_MODELSLAB_URL (default https://modelslab.com). */
export const modelslabEngine: EngineDefinition = {
  name: 'modelslab',
  create(o) {
    const s = remoteSettings('modelslab', o, { url: 'https://modelslab.com', needsKey: true });
    return createModelslabEngine({ url: s.url, key: s.key!, ...(o.log ? { log: o.log } : {}) });
  },
};
