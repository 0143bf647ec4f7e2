import { throwIfAborted } from '../../errors.js';
import type { RawImage } from '../../image/raw.js';
import { RemoteClient, type RemoteClientOptions } from './client.js';
import { canvasPng, decodeResult, finishRemote, maskPng } from './images.js';
import { remoteSettings } from './config.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from '../types.js';

/** Where IOPaint runs (e.g. `iopaint start --model=lama --port=8080`), plus client tuning. */
export interface IopaintOptions extends Omit<RemoteClientOptions, 'engine' | 'baseUrl'> {
  readonly url: string;
  /** Extra request fields (sd_sampler, hd_strategy, …) merged into every call. */
  readonly extra?: Record<string, unknown>;
}

/** `iopaint`: POST {url}/api/v1/inpaint with base64 image and mask; the answer is the image's bytes. */
export function createIopaintEngine(o: IopaintOptions): OutpaintEngine {
  const client = new RemoteClient({ ...o, engine: 'iopaint', baseUrl: o.url });
  return {
    name: 'iopaint',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      const { width, height } = task.image;
      const body = {
        image: (await canvasPng(task.image)).toString('base64'),
        mask: (await maskPng(task.mask, width, height)).toString('base64'),
        prompt: task.prompt,
        negative_prompt: task.negativePrompt,
        sd_seed: task.seed,
        sd_steps: task.steps,
        sd_guidance_scale: task.guidance,
        sd_mask_blur: Math.min(64, Math.round(task.overlap / 2)),
        ...o.extra,
      };
      const res = await client.call('api/v1/inpaint', { method: 'POST', body, ...(signal ? { signal } : {}) });
      return finishRemote(task, await decodeResult('iopaint', '/api/v1/inpaint', res.bytes, width, height));
    },
    close: () => client.close(),
  };
}

/** `iopaint` in the registry: ZOOMWALK_IOPAINT_URL, default a local IOPaint on port 8080. */
export const iopaintEngine: EngineDefinition = {
  name: 'iopaint',
  options: ['sd_sampler', 'sd_strength', 'sd_match_histograms', 'hd_strategy', 'ldm_sampler', 'cv2_flag', 'cv2_radius'],
  create(o) {
    const s = remoteSettings('iopaint', o, { url: 'http://127.0.0.1:8080', needsKey: false });
    return createIopaintEngine({ url: s.url, ...(o.extra ? { extra: o.extra } : {}), ...(o.log ? { log: o.log } : {}) });
  },
};
