import { RemoteEngineError, throwIfAborted } from '../../errors.js';
import type { RawImage } from '../../image/raw.js';
import { createMirrorEngine } from '../mirror.js';
import { RemoteClient, type RemoteClientOptions } from './client.js';
import { canvasPng, cropTo, decodeResult, finishRemote, maskPng } from './images.js';
import { padTo8 } from './pad8.js';
import { remoteSettings } from './config.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from '../types.js';

/** Where AUTOMATIC1111 / Forge runs with `--api` (and `--api-auth user:password` if set), plus client tuning. */
export interface A1111Options extends Omit<RemoteClientOptions, 'engine' | 'baseUrl'> {
  readonly url: string;
  /** HTTP basic credentials of `--api-auth`; the password never appears in an error or log line. */
  readonly auth?: { readonly user: string; readonly password: string };
  /** Extra request fields (sampler_name, scheduler, override_settings, …) merged into every call; they win over ours. */
  readonly extra?: Record<string, unknown>;
}

const PATH = 'sdapi/v1/img2img';

/** `a1111`: POST {url}/sdapi/v1/img2img with a mirror-prefilled canvas and mask, padded to multiples of 8. */
export function createA1111Engine(o: A1111Options): OutpaintEngine {
  const token = o.auth ? Buffer.from(`${o.auth.user}:${o.auth.password}`).toString('base64') : null;
  // Both the password and its base64 form would reveal it, so both are redacted.
  const secrets = [...(o.secrets ?? []), ...(o.auth && token ? [o.auth.password, token] : [])];
  const client = new RemoteClient({ ...o, engine: 'a1111', baseUrl: o.url, secrets });
  const headers: Record<string, string> = token ? { authorization: `Basic ${token}` } : {};
  const mirror = createMirrorEngine();
  return {
    name: 'a1111',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      const { width, height } = task.image;
      // The sampler keeps the low frequencies of the init image even at full denoise ("original"
      // fill), so the hole starts from mirrored colours rather than whatever the canvas held there.
      const start = task.mask.includes(0) ? await mirror.outpaint(task, signal) : task.image;
      const padded = padTo8(start, task.mask);
      const body = {
        init_images: [(await canvasPng(padded.image)).toString('base64')],
        mask: (await maskPng(padded.mask, padded.image.width, padded.image.height)).toString('base64'),
        // Whole-picture inpainting: "only masked" would crop and rescale around the hole.
        inpaint_full_res: false,
        inpainting_fill: 1,
        inpainting_mask_invert: 0,
        denoising_strength: 1,
        mask_blur: Math.round(task.overlap / 4),
        resize_mode: 0,
        width: padded.image.width,
        height: padded.image.height,
        steps: task.steps,
        cfg_scale: task.guidance,
        seed: task.seed,
        prompt: task.prompt,
        negative_prompt: task.negativePrompt,
        batch_size: 1,
        n_iter: 1,
        ...o.extra,
      };
      const res = await client.json<{ images?: unknown }>(PATH, { method: 'POST', body, headers, ...(signal ? { signal } : {}) });
      const first = Array.isArray(res.images) ? (res.images[0] as unknown) : undefined;
      if (typeof first !== 'string' || first === '') throw new RemoteEngineError('a1111', `/${PATH}`, 200, `POST /${PATH} answered without an image in "images"`);
      const decoded = await decodeResult('a1111', `/${PATH}`, first, padded.image.width, padded.image.height);
      return finishRemote(task, cropTo(decoded, width, height));
    },
    close: () => client.close(),
  };
}

/** `a1111` in the registry: ZOOMWALK_A1111_URL (default a local WebUI on port 7860), ZOOMWALK_A1111_KEY as "user:password". */
export const a1111Engine: EngineDefinition = {
  name: 'a1111',
  options: ['sampler_name', 'scheduler', 'denoising_strength', 'inpainting_fill', 'mask_blur', 'restore_faces', 'styles'],
  create(o) {
    const s = remoteSettings('a1111', o, { url: 'http://127.0.0.1:7860', needsKey: false });
    // An A1111 started with --api-auth user:password takes ZOOMWALK_A1111_KEY as "user:password".
    const [user, ...rest] = (s.key ?? '').split(':');
    const auth = s.key && rest.length > 0 ? { auth: { user: user!, password: rest.join(':') } } : {};
    return createA1111Engine({ url: s.url, ...auth, ...(o.extra ? { extra: o.extra } : {}), ...(o.log ? { log: o.log } : {}) });
  },
};
