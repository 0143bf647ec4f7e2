import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createComfyuiEngine, type ComfyuiOptions } from '../../../src/engines/remote/comfyui.js';
import { OUTPAINT_WORKFLOW, type ComfyWorkflow } from '../../../src/engines/remote/comfyui-workflow.js';
import { RemoteEngineError } from '../../../src/errors.js';
import type { OutpaintTask } from '../../../src/engines/types.js';
import { AbortError } from '../../../src/errors.js';
import { render } from '../../../src/render/render.js';
import { fakeServer, sendJson, type FakeServer, type Handler, type Received } from '../../helpers/fake-server.js';
import { texturedImage, writePng } from '../../helpers/images.js';
import { probe } from '../../helpers/video.js';

const CHECKPOINTS = ['sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly.safetensors'];

let dir: string;
let image: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zoomwalk-comfyui-'));
  image = await writePng(texturedImage(120, 90), join(dir, 'in.png'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

interface Fake extends FakeServer {
  /** Every workflow queued, as received. */
  readonly prompts: ComfyWorkflow[];
  /** Names the fake holds in input/. */
  readonly inputs: Map<string, Buffer>;
}

/** A 400 from /prompt, shaped like ComfyUI's validation answer. */
function invalid(res: Parameters<Handler>[1], id: string, classType: string, message: string, details: string): void {
  sendJson(res, 400, {
    error: { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: '', extra_info: {} },
    node_errors: { [id]: { errors: [{ type: 'value_not_in_list', message, details, extra_info: {} }], dependent_outputs: ['9'], class_type: classType } },
  });
}

/**
 * A fake ComfyUI: multipart uploads into input/, validation of the queued workflow (uploaded files,
 * typed inputs, known checkpoint) with ComfyUI's 400 shape, a history that stays empty for
 * `pending` polls, a run that crops to multiples of 8 like VAEEncodeForInpaint and paints the mask
 * grey, and /view of the saved output.
 */
async function fakeComfy(o: { pending?: number; before?: Handler } = {}): Promise<Fake> {
  const inputs = new Map<string, Buffer>();
  const outputs = new Map<string, Buffer>();
  const prompts: ComfyWorkflow[] = [];
  const polls = new Map<string, number>();
  const done = new Map<string, unknown>();
  const fake = await fakeServer(async (r, res, n) => {
    if (o.before && (await o.before(r, res, n)) !== undefined) return;
    const url = new URL(r.path, 'http://x');
    if (r.method === 'POST' && url.pathname === '/upload/image') {
      const form = await new Response(r.body, { headers: { 'content-type': String(r.headers['content-type']) } }).formData();
      const file = form.get('image');
      if (!(file instanceof Blob) || !('name' in file)) return res.writeHead(400).end();
      if (form.get('overwrite') !== 'true' || form.get('type') !== 'input') return res.writeHead(400).end();
      inputs.set(String(file.name), Buffer.from(await file.arrayBuffer()));
      return sendJson(res, 200, { name: file.name, subfolder: '', type: 'input' });
    }
    if (r.method === 'POST' && url.pathname === '/prompt') {
      const wf = r.json?.['prompt'] as ComfyWorkflow | undefined;
      if (!wf || typeof r.json?.['client_id'] !== 'string') return sendJson(res, 400, { error: { type: 'no_prompt', message: 'No prompt provided', details: '' }, node_errors: {} });
      prompts.push(wf);
      for (const [id, node] of Object.entries(wf)) {
        const i = node.inputs;
        if (node.class_type === 'CheckpointLoaderSimple' && !CHECKPOINTS.includes(i['ckpt_name'] as string)) return invalid(res, id, node.class_type, 'Value not in list', `ckpt_name: '${String(i['ckpt_name'])}' not in ${JSON.stringify(CHECKPOINTS)}`);
        if ((node.class_type === 'LoadImage' || node.class_type === 'LoadImageMask') && !inputs.has(i['image'] as string)) return invalid(res, id, node.class_type, 'Invalid image file', `image - ${String(i['image'])}`);
        if (node.class_type === 'KSampler' && !(Number.isInteger(i['seed']) && Number.isInteger(i['steps']) && typeof i['cfg'] === 'number')) return invalid(res, id, node.class_type, 'Failed to convert an input value to a INT/FLOAT value', 'seed, steps, cfg');
        if (node.class_type === 'CLIPTextEncode' && typeof i['text'] !== 'string') return invalid(res, id, node.class_type, 'Required input is missing', 'text');
      }
      const id = randomUUID();
      polls.set(id, 0);
      const load = Object.values(wf).find((x) => x.class_type === 'LoadImage')!.inputs['image'] as string;
      const mask = Object.values(wf).find((x) => x.class_type === 'LoadImageMask')!.inputs['image'] as string;
      done.set(id, { image: load, mask });
      return sendJson(res, 200, { prompt_id: id, number: prompts.length - 1, node_errors: {} });
    }
    const hist = /^\/history\/([\w-]+)$/.exec(url.pathname);
    if (r.method === 'GET' && hist) {
      const id = hist[1]!;
      const job = done.get(id) as { image: string; mask: string } | undefined;
      if (!job) return sendJson(res, 200, {});
      const seen = polls.get(id)!;
      polls.set(id, seen + 1);
      if (seen < (o.pending ?? 2)) return sendJson(res, 200, {});
      const filename = `zoomwalk_${id.slice(0, 5)}_.png`;
      if (!outputs.has(filename)) {
        const img = await sharp(inputs.get(job.image)!).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        const m = await sharp(inputs.get(job.mask)!).raw().toBuffer({ resolveWithObject: true });
        const w = Math.floor(img.info.width / 8) * 8;
        const h = Math.floor(img.info.height / 8) * 8;
        const out = Buffer.alloc(w * h * 3);
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const p = y * img.info.width + x;
            for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = m.data[p * m.info.channels]! > 127 ? 128 : img.data[p * 3 + c]!;
          }
        }
        outputs.set(filename, await sharp(out, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
      }
      return sendJson(res, 200, {
        [id]: { prompt: [0, id, {}, {}, ['9']], outputs: { '9': { images: [{ filename, subfolder: '', type: 'output' }] } }, status: { status_str: 'success', completed: true, messages: [['execution_start', {}], ['execution_success', {}]] }, meta: {} },
      });
    }
    if (r.method === 'GET' && url.pathname === '/view') {
      const png = url.searchParams.get('type') === 'output' ? outputs.get(url.searchParams.get('filename') ?? '') : undefined;
      return png ? res.writeHead(200, { 'content-type': 'image/png' }).end(png) : res.writeHead(404).end();
    }
    return res.writeHead(404, { 'content-type': 'text/plain' }).end('404: Not Found');
  });
  return Object.assign(fake, { prompts, inputs });
}

/** A 60×44 canvas (not multiples of 8) whose top 12 rows are to be generated. */
function task(over: Partial<OutpaintTask> = {}): OutpaintTask {
  const mask = new Uint8Array(60 * 44).fill(255, 0, 60 * 12);
  return { image: texturedImage(60, 44, 5), mask, prompt: 'a "quoted" valley', negativePrompt: 'text', seed: 1234, steps: 9, guidance: 5.5, overlap: 8, ...over };
}

async function withEngine<T>(fake: FakeServer, opts: Partial<ComfyuiOptions>, fn: (e: ReturnType<typeof createComfyuiEngine>) => Promise<T>): Promise<T> {
  const engine = createComfyuiEngine({ url: fake.url, backoffMs: 10, retries: 3, pollIntervalMs: 20, ...opts });
  try {
    return await fn(engine);
  } finally {
    await engine.close?.();
    await fake.close();
  }
}

const route = (r: Received) => `${r.method} ${new URL(r.path, 'http://x').pathname.replace(/\/history\/.*/, '/history/{id}')}`;
const fail = (res: Parameters<Handler>[1], status: number, headers: Record<string, string> = {}) => (sendJson(res, status, { error: 'nope' }, headers), true);

describe('comfyui engine', () => {
  it('renders a 3-step walk through a fake ComfyUI: upload, upload, queue, poll, view for each step', async () => {
    const fake = await fakeComfy();
    await withEngine(fake, {}, async (engine) => {
      const out = join(dir, 'walk.mp4');
      const result = await render(
        { image, walk_type: ['left', 'backward', 'up'], width: 96, height: 64, translation_factor: 0.1, num_interpolation_steps: 4, fps: 8, seed: 11, prompt: 'a lake' },
        { output: out, engine },
      );
      expect(result.engine).toBe('comfyui');
      expect((await probe(out)).frames).toBe(13);
      const step = ['POST /upload/image', 'POST /upload/image', 'POST /prompt', 'GET /history/{id}', 'GET /history/{id}', 'GET /history/{id}', 'GET /view'];
      expect(fake.received.map(route)).toEqual([...step, ...step, ...step]);
      expect(fake.prompts.map((p) => p['6']!.inputs['text'])).toEqual(['a lake', 'a lake', 'a lake']);
    });
  });

  it('fills the template with typed values, pads to multiples of 8 and keeps the known pixels exactly', async () => {
    const fake = await fakeComfy();
    await withEngine(fake, { checkpoint: 'v1-5-pruned-emaonly.safetensors' }, async (engine) => {
      const t = task();
      const out = await engine.outpaint(t);
      const wf = fake.prompts[0]!;
      expect(JSON.stringify(wf)).not.toContain('{{');
      expect(wf['4']!.inputs).toEqual({ ckpt_name: 'v1-5-pruned-emaonly.safetensors' });
      expect(wf['3']!.inputs).toMatchObject({ seed: 1234, steps: 9, cfg: 5.5, denoise: 1, latent_image: ['12', 0] });
      expect(wf['6']!.inputs['text']).toBe('a "quoted" valley');
      expect(wf['7']!.inputs['text']).toBe('text');
      expect(wf['12']!.inputs['grow_mask_by']).toBe(4);
      const [canvasName, maskName] = [wf['10']!.inputs['image'] as string, wf['11']!.inputs['image'] as string];
      expect(canvasName).not.toBe(maskName);
      expect(fake.received[2]!.json!['client_id']).toEqual(expect.any(String));

      const mask = await sharp(fake.inputs.get(maskName)!).raw().toBuffer({ resolveWithObject: true });
      const canvas = await sharp(fake.inputs.get(canvasName)!).metadata();
      expect([canvas.width, canvas.height, mask.info.width, mask.info.height]).toEqual([64, 48, 64, 48]);
      for (let y = 0; y < 48; y++) {
        for (let x = 0; x < 64; x++) {
          const generate = x >= 60 || y >= 44 || t.mask[y * 60 + x] === 255;
          expect(mask.data[(y * 64 + x) * mask.info.channels]).toBe(generate ? 255 : 0);
        }
      }
      expect([out.width, out.height]).toEqual([60, 44]);
      for (let p = 0; p < t.mask.length; p++) {
        if (t.mask[p] === 0) expect([...out.data.subarray(p * 3, p * 3 + 3)]).toEqual([...t.image.data.subarray(p * 3, p * 3 + 3)]);
      }
      expect([...out.data.subarray(0, 3)]).toEqual([128, 128, 128]);
    });
  });

  it('reports a rejected workflow by node id and class_type, without re-queueing', async () => {
    const fake = await fakeComfy();
    await withEngine(fake, { checkpoint: 'missing.safetensors' }, async (engine) => {
      const err = await engine.outpaint(task()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect((err as RemoteEngineError).status).toBe(400);
      expect((err as Error).message).toBe(
        `engine "comfyui": POST /prompt answered 400: Prompt outputs failed validation; node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'missing.safetensors' not in ${JSON.stringify(CHECKPOINTS)}`,
      );
      expect(fake.received.filter((r) => r.path === '/prompt')).toHaveLength(1);
    });
  });

  it('uses a custom workflow and rejects unknown placeholders before queueing anything', async () => {
    const fake = await fakeComfy();
    const custom = structuredClone(OUTPAINT_WORKFLOW);
    custom['9']!.inputs['filename_prefix'] = 'walk_{{seed}}';
    await withEngine(fake, { workflow: custom }, async (engine) => {
      await engine.outpaint(task());
      expect(fake.prompts[0]!['9']!.inputs['filename_prefix']).toBe('walk_1234');
    });
    const fake2 = await fakeComfy();
    custom['3']!.inputs['sampler_name'] = '{{sampler}}';
    await withEngine(fake2, { workflow: custom }, async (engine) => {
      await expect(engine.outpaint(task())).rejects.toThrow(/placeholder "\{\{sampler\}\}" is unknown/);
      expect(fake2.received.filter((r) => r.path === '/prompt')).toHaveLength(0);
    });
  });

  it('reports a prompt that failed while running, naming the node', async () => {
    const fake = await fakeComfy({
      before: (r, res) => {
        const m = /^\/history\/(.+)$/.exec(r.path);
        if (!m) return undefined;
        const msg = { prompt_id: m[1], node_id: '3', node_type: 'KSampler', exception_message: 'CUDA out of memory\n', exception_type: 'torch.OutOfMemoryError' };
        return sendJson(res, 200, { [m[1]!]: { outputs: {}, status: { status_str: 'error', completed: false, messages: [['execution_start', {}], ['execution_error', msg]] } } }) ?? true;
      },
    });
    await withEngine(fake, {}, async (engine) => {
      await expect(engine.outpaint(task())).rejects.toThrow('engine "comfyui": the prompt failed: node 3 (KSampler): CUDA out of memory');
    });
  });

  it('waits for Retry-After on 429 (upload), then succeeds', async () => {
    const fake = await fakeComfy({ before: (_r, res, n) => (n === 0 ? fail(res, 429, { 'retry-after': '1' }) : undefined) });
    await withEngine(fake, {}, async (engine) => {
      const t0 = Date.now();
      await engine.outpaint(task());
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
      expect(fake.received.slice(0, 2).map(route)).toEqual(['POST /upload/image', 'POST /upload/image']);
    });
  });

  it('retries 503 twice (history), then succeeds', async () => {
    let failed = 0;
    const fake = await fakeComfy({ pending: 0, before: (r, res) => (r.path.startsWith('/history/') && failed++ < 2 ? fail(res, 503) : undefined) });
    await withEngine(fake, {}, async (engine) => {
      expect((await engine.outpaint(task())).width).toBe(60);
      expect(fake.received.filter((r) => r.path.startsWith('/history/'))).toHaveLength(3);
    });
  });

  it('retries a connection reset (view)', async () => {
    let reset = false;
    const fake = await fakeComfy({ pending: 0, before: (r, res) => (r.path.startsWith('/view') && !reset ? ((reset = true), res.socket?.destroy(), true) : undefined) });
    await withEngine(fake, {}, async (engine) => {
      expect((await engine.outpaint(task())).width).toBe(60);
      expect(fake.received.filter((r) => r.path.startsWith('/view'))).toHaveLength(2);
    });
  });

  it('ends a prompt that never finishes with a deadline error', async () => {
    const fake = await fakeComfy({ pending: Infinity });
    await withEngine(fake, { deadlineMs: 300 }, async (engine) => {
      const err = await engine.outpaint(task()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect((err as Error).message).toMatch(/^engine "comfyui": GET \/history\/[\w-]+ was not ready after 0 s$/);
      expect(fake.received.filter((r) => r.path.startsWith('/history/')).length).toBeGreaterThan(3);
    });
  });

  it('stops polling on abort and sends no further request', async () => {
    const fake = await fakeComfy({ pending: Infinity });
    await withEngine(fake, { pollIntervalMs: 30 }, async (engine) => {
      const controller = new AbortController();
      const polling = new Promise<void>((resolve) => {
        const timer = setInterval(() => fake.received.filter((r) => r.path.startsWith('/history/')).length >= 2 && (clearInterval(timer), resolve()), 5);
      });
      const run = engine.outpaint(task(), controller.signal).catch((e: unknown) => e);
      await polling;
      controller.abort();
      expect(await run).toBeInstanceOf(AbortError);
      const count = fake.received.length;
      await new Promise((r) => setTimeout(r, 150));
      expect(fake.received.length).toBe(count);
      expect(fake.received.some((r) => r.path.startsWith('/view'))).toBe(false);
    });
  });

  it('reports a malformed JSON body as one clear error, without retrying', async () => {
    const fake = await fakeComfy({ before: (r, res) => (r.path.startsWith('/history/') ? (res.writeHead(200, { 'content-type': 'application/json' }).end('{"abc": {"outputs": '), true) : undefined) });
    await withEngine(fake, {}, async (engine) => {
      const err = await engine.outpaint(task()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteEngineError);
      expect((err as Error).message).toMatch(/^engine "comfyui": GET \/history\/[\w-]+ returned malformed JSON: \{"abc"/);
      expect(fake.received.filter((r) => r.path.startsWith('/history/'))).toHaveLength(1);
    });
  });
});
