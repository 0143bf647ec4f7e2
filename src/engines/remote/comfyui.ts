import { Blob } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { Agent, FormData, interceptors } from 'undici';
import { RemoteEngineError, throwIfAborted } from '../../errors.js';
import type { RawImage } from '../../image/raw.js';
import { OUTPAINT_WORKFLOW, fillWorkflow, type ComfyWorkflow } from './comfyui-workflow.js';
import { RemoteClient, type RemoteClientOptions } from './client.js';
import { canvasPng, cropTo, decodeResult, finishRemote, maskPng } from './images.js';
import { padTo8 } from './pad8.js';
import { remoteSettings } from './config.js';
import type { EngineDefinition, OutpaintEngine, OutpaintTask } from '../types.js';

/** Where ComfyUI runs (e.g. `python main.py --listen 127.0.0.1 --port 8188`), which model, how long to wait. */
export interface ComfyuiOptions extends Omit<RemoteClientOptions, 'engine' | 'baseUrl'> {
  readonly url: string;
  /** A checkpoint file in ComfyUI's models/checkpoints (default "sd_xl_base_1.0.safetensors"). */
  readonly checkpoint?: string;
  /** Pause between GET /history polls, ms (default 500). */
  readonly pollIntervalMs?: number;
  /** Longest wait for one prompt to finish, ms (default 10 min). */
  readonly deadlineMs?: number;
  /** A custom API-format template with "{{image}}", "{{mask}}", "{{prompt}}", … placeholders. */
  readonly workflow?: ComfyWorkflow;
}

interface Uploaded {
  readonly name?: unknown;
  readonly subfolder?: unknown;
}
interface HistoryEntry {
  readonly outputs?: Record<string, { images?: { filename?: unknown; subfolder?: unknown; type?: unknown }[] }>;
  readonly status?: { status_str?: string; messages?: [string, Record<string, unknown>][] };
}
interface NodeErrors {
  readonly error?: { type?: string; message?: string; details?: string };
  readonly node_errors?: Record<string, { class_type?: string; errors?: { message?: string; details?: string }[] }>;
}

/**
 * `comfyui`: uploads canvas and mask (POST /upload/image), queues the outpaint workflow (POST /prompt),
 * polls GET /history/{id} until it has outputs and downloads the result (GET /view). It polls rather
 * than listening on /ws: one plain HTTP path is easier to retry, time out and test, and a ComfyUI
 * step takes seconds, so a 500 ms poll costs nothing. An aborted render stops polling at once and
 * sends nothing more (the queued prompt is left to finish on the server).
 */
export function createComfyuiEngine(o: ComfyuiOptions): OutpaintEngine {
  const client = new RemoteClient({ ...o, engine: 'comfyui', baseUrl: o.url });
  // POST /prompt gets a client of its own: the shared client keeps only 200 characters of an error
  // body, but a 400 carries node_errors worth reporting in full, which undici's responseError
  // interceptor hands over as the error's cause. It never retries: a queued prompt whose answer was
  // lost would run twice.
  const timeout = o.timeoutMs ?? 30_000;
  const owned = o.dispatcher ? null : new Agent({ connectTimeout: timeout, headersTimeout: timeout, bodyTimeout: timeout });
  const queue = new RemoteClient({ ...o, engine: 'comfyui', baseUrl: o.url, retries: 0, dispatcher: (o.dispatcher ?? owned!).compose(interceptors.responseError()) });
  const clientId = randomUUID();
  const template = o.workflow ?? OUTPAINT_WORKFLOW;

  async function upload(png: Buffer, name: string, signal?: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), name);
    form.append('overwrite', 'true');
    form.append('type', 'input');
    const res = await client.json<Uploaded>('upload/image', { method: 'POST', body: form, ...(signal ? { signal } : {}) });
    if (typeof res.name !== 'string' || !res.name) throw new RemoteEngineError('comfyui', '/upload/image', 200, 'POST /upload/image answered without a file name');
    // LoadImage takes "subfolder/name" for files outside input/'s top level.
    return typeof res.subfolder === 'string' && res.subfolder ? `${res.subfolder}/${res.name}` : res.name;
  }

  async function enqueue(workflow: ComfyWorkflow, signal?: AbortSignal): Promise<string> {
    let res: { prompt_id?: unknown; node_errors?: unknown };
    try {
      res = await queue.json('prompt', { method: 'POST', body: { prompt: workflow, client_id: clientId }, ...(signal ? { signal } : {}) });
    } catch (err) {
      throw promptError(err);
    }
    if (typeof res.prompt_id !== 'string' || !res.prompt_id) throw new RemoteEngineError('comfyui', '/prompt', 200, 'POST /prompt answered without a prompt_id');
    const partial = res.node_errors && typeof res.node_errors === 'object' ? Object.keys(res.node_errors) : [];
    if (partial.length) o.log?.(`comfyui: some outputs of the workflow failed validation (nodes ${partial.join(', ')}); running the rest`);
    return res.prompt_id;
  }

  async function wait(id: string, signal?: AbortSignal): Promise<{ filename: string; subfolder: string; type: string }> {
    const path = `history/${encodeURIComponent(id)}`;
    return client.poll(
      `GET /${path}`,
      async () => {
        const history = await client.json<Record<string, HistoryEntry>>(path, signal ? { signal } : {});
        const entry = history[id];
        // ComfyUI writes the history entry only when the prompt is done (or failed).
        if (!entry) return undefined;
        if (entry.status?.status_str === 'error') throw executionError(path, entry);
        if (!entry.outputs) return undefined;
        for (const out of Object.values(entry.outputs)) {
          for (const img of out.images ?? []) {
            if (img.type === 'output' && typeof img.filename === 'string') return { filename: img.filename, subfolder: typeof img.subfolder === 'string' ? img.subfolder : '', type: 'output' };
          }
        }
        throw new RemoteEngineError('comfyui', `/${path}`, 200, 'the prompt finished without an output image (does the workflow end in SaveImage?)');
      },
      { intervalMs: o.pollIntervalMs ?? 500, deadlineMs: o.deadlineMs ?? 600_000, ...(signal ? { signal } : {}) },
    );
  }

  return {
    name: 'comfyui',
    async outpaint(task: OutpaintTask, signal?: AbortSignal): Promise<RawImage> {
      throwIfAborted(signal);
      const { width, height } = task.image;
      // VAEEncodeForInpaint crops to multiples of 8; pad so nothing is lost, crop the answer back.
      const padded = padTo8(task.image, task.mask);
      const pw = padded.image.width;
      const ph = padded.image.height;
      // Unique names: overwrite=true must not let two concurrent steps swap canvases.
      const stem = `zoomwalk-${randomUUID()}`;
      const image = await upload(await canvasPng(padded.image), `${stem}-canvas.png`, signal);
      const mask = await upload(await maskPng(padded.mask, pw, ph), `${stem}-mask.png`, signal);
      const workflow = fillWorkflow(template, {
        image,
        mask,
        prompt: task.prompt,
        negative_prompt: task.negativePrompt,
        seed: task.seed,
        steps: task.steps,
        cfg: task.guidance,
        checkpoint: o.checkpoint ?? 'sd_xl_base_1.0.safetensors',
        grow_mask_by: Math.max(0, Math.min(64, Math.round(task.overlap / 2))),
      });
      const id = await enqueue(workflow, signal);
      const file = await wait(id, signal);
      const query = new URLSearchParams(file).toString();
      const res = await client.call(`view?${query}`, signal ? { signal } : {});
      return finishRemote(task, cropTo(await decodeResult('comfyui', '/view', res.bytes, pw, ph), width, height));
    },
    async close() {
      await client.close();
      await queue.close();
      await owned?.close();
    },
  };
}

/** `comfyui` in the registry: ZOOMWALK_COMFYUI_URL (default a local ComfyUI on port 8188), the checkpoint from `extra` or ZOOMWALK_COMFYUI_CHECKPOINT. */
export const comfyuiEngine: EngineDefinition = {
  name: 'comfyui',
  options: ['checkpoint'],
  create(o) {
    const s = remoteSettings('comfyui', o, { url: 'http://127.0.0.1:8188', needsKey: false });
    const checkpoint = o.extra?.['checkpoint'] ?? process.env['ZOOMWALK_COMFYUI_CHECKPOINT'];
    return createComfyuiEngine({ url: s.url, ...(typeof checkpoint === 'string' ? { checkpoint } : {}), ...(o.log ? { log: o.log } : {}) });
  },
};

/** A /prompt failure as one RemoteEngineError; a validation answer lists each failing node by id and class. */
function promptError(err: unknown): unknown {
  const cause = (err as { cause?: { name?: string; statusCode?: number; body?: unknown } }).cause;
  if (!(err instanceof RemoteEngineError) || cause?.name !== 'ResponseError' || typeof cause.statusCode !== 'number') return err;
  const body = cause.body;
  if (body && typeof body === 'object') {
    const b = body as NodeErrors;
    const nodes = Object.entries(b.node_errors ?? {}).map(([id, n]) => {
      const why = (n.errors ?? []).map((e) => [e.message, e.details].filter(Boolean).join(': ')).join('; ');
      return `node ${id} (${n.class_type ?? '?'}): ${why || 'invalid'}`;
    });
    const head = b.error?.message ?? b.error?.type ?? 'rejected the workflow';
    return new RemoteEngineError('comfyui', '/prompt', cause.statusCode, `POST /prompt answered ${cause.statusCode}: ${head}${nodes.length ? `; ${nodes.join('; ')}` : ''}`, { cause });
  }
  const text = typeof body === 'string' && body.trim() ? body.replace(/\s+/g, ' ').trim().slice(0, 200) : '(empty body)';
  return new RemoteEngineError('comfyui', '/prompt', cause.statusCode, `POST /prompt answered ${cause.statusCode}: ${text}`, { cause });
}

/** A prompt that failed while running: names the node that raised, from the history's status messages. */
function executionError(path: string, entry: HistoryEntry): RemoteEngineError {
  const failed = (entry.status?.messages ?? []).find((m) => m[0] === 'execution_error')?.[1] ?? {};
  const node = failed['node_id'] !== undefined ? `node ${String(failed['node_id'])} (${String(failed['node_type'] ?? '?')}): ` : '';
  return new RemoteEngineError('comfyui', `/${path}`, 200, `the prompt failed: ${node}${String(failed['exception_message'] ?? 'execution error').trim()}`);
}
