import { FormData } from 'undici';
import { RemoteEngineError, throwIfAborted } from '../../errors.js';
import type { RawImage } from '../../image/raw.js';
import { RemoteClient, type RemoteClientOptions } from './client.js';
import { redact } from './redact.js';
import { knownBox } from '../known-pixels.js';
import { decodeResult, finishRemote, knownPng } from './images.js';
import { remoteSettings } from './config.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from '../types.js';

/** An "edit/outpaint" service (AIThriving-style, or zoomwalk's own server), plus client tuning. */
export interface AithrivingOptions extends Omit<RemoteClientOptions, 'engine' | 'baseUrl'> {
  readonly url: string;
  /** Sent as Authorization: Bearer; redacted from every error. */
  readonly key: string;
  /** 0–1, how freely the service may invent (default 0.35). */
  readonly creativity?: number;
}

const PATH = 'api/edit/outpaint';

/** How far to grow the known rectangle to reach each canvas edge, or null when the mask is not "canvas minus one rectangle". */
export function growBands(mask: Uint8Array, width: number, height: number): { left: number; right: number; up: number; down: number } | null {
  const box = knownBox(mask, width, height);
  if (!box) return null;
  // The service only adds pixels around the image it is given, so every pixel inside the box
  // must be known and every pixel outside it unknown.
  for (let y = 0; y < height; y++) {
    const inRows = y >= box.y && y < box.y + box.height;
    for (let x = 0; x < width; x++) {
      const inside = inRows && x >= box.x && x < box.x + box.width;
      if ((mask[y * width + x] === 0) !== inside) return null;
    }
  }
  return { left: box.x, right: width - box.x - box.width, up: box.y, down: height - box.y - box.height };
}

/** `aithriving`: POST {url}/api/edit/outpaint (multipart known crop + left/right/up/down), downloads data.image_url. */
export function createAithrivingEngine(o: AithrivingOptions): OutpaintEngine {
  const secrets = [o.key, ...(o.secrets ?? [])];
  const client = new RemoteClient({ ...o, engine: 'aithriving', baseUrl: o.url, secrets });
  const fail = (message: string): RemoteEngineError => new RemoteEngineError('aithriving', `/${PATH}`, null, redact(message, secrets));
  return {
    name: 'aithriving',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      const { width, height } = task.image;
      const bands = growBands(task.mask, width, height);
      if (!bands) {
        throw fail('the service only grows the canvas: it needs the pixels to generate to be the canvas minus one rectangle (a band or a ring), and this mask is not');
      }
      // Nothing to generate: the canvas is already the answer.
      if (bands.left + bands.right + bands.up + bands.down === 0) return finishRemote(task, task.image);
      const { png } = await knownPng(task);
      const form = new FormData();
      form.append('image', new Blob([png], { type: 'image/png' }), 'image.png');
      for (const [k, v] of Object.entries(bands)) form.append(k, String(v));
      form.append('prompt', task.prompt);
      form.append('seed', String(task.seed >>> 0));
      form.append('output_format', 'png');
      form.append('creativity', String(o.creativity ?? 0.35));
      const sig = signal ? { signal } : {};
      const a = await client.json<{ code?: unknown; message?: unknown; data?: { image_url?: unknown } | null }>(PATH, {
        method: 'POST',
        headers: { authorization: `Bearer ${o.key}` },
        body: form,
        ...sig,
      });
      // The HTTP status can be 200 while the body's code says otherwise.
      if (a.code !== 200) throw fail(`answered code ${String(a.code)}: ${typeof a.message === 'string' ? a.message : JSON.stringify(a).slice(0, 200)}`);
      const url = a.data?.image_url;
      if (typeof url !== 'string' || !url) throw fail(`answered success without data.image_url: ${JSON.stringify(a).slice(0, 200)}`);
      // The result is a plain download, often on another host: no Authorization header.
      const res = await client.call(url, sig);
      return finishRemote(task, await decodeResult('aithriving', client.url(url).pathname, res.bytes, width, height));
    },
    close: () => client.close(),
  };
}

/** `aithriving` in the registry: ZOOMWALK_AITHRIVING_URL and ZOOMWALK_AITHRIVING_KEY (both required), `creativity` from `extra`. */
export const aithrivingEngine: EngineDefinition = {
  name: 'aithriving',
  options: ['creativity'],
  create(o) {
    const s = remoteSettings('aithriving', o, { needsKey: true });
    const creativity = o.extra?.['creativity'];
    return createAithrivingEngine({ url: s.url, key: s.key!, ...(typeof creativity === 'number' ? { creativity } : {}), ...(o.log ? { log: o.log } : {}) });
  },
};
