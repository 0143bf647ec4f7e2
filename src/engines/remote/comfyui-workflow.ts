import { EngineError } from '../../errors.js';

/** A ComfyUI workflow in API format: node id → {class_type, inputs}. */
export type ComfyWorkflow = Record<string, { class_type: string; inputs: Record<string, unknown>; _meta?: { title?: string } }>;

/** Values the adapter substitutes for the "{{name}}" placeholders of a workflow template. */
export interface WorkflowValues {
  readonly image: string;
  readonly mask: string;
  readonly prompt: string;
  readonly negative_prompt: string;
  readonly seed: number;
  readonly steps: number;
  readonly cfg: number;
  readonly checkpoint: string;
  /** Pixels VAEEncodeForInpaint grows the mask by, so the seam is re-sampled too. */
  readonly grow_mask_by: number;
}

/**
 * The standard SD inpaint graph, in API format. It lives in a .ts module rather than a .json file
 * because the package ships only dist/ (no loose src JSON). The mask is an RGB/grey PNG, white
 * where to generate, read through its red channel (the alpha channel would be inverted and is absent).
 */
export const OUTPAINT_WORKFLOW: ComfyWorkflow = {
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: '{{checkpoint}}' } },
  '10': { class_type: 'LoadImage', inputs: { image: '{{image}}' } },
  '11': { class_type: 'LoadImageMask', inputs: { image: '{{mask}}', channel: 'red' } },
  '12': { class_type: 'VAEEncodeForInpaint', inputs: { pixels: ['10', 0], vae: ['4', 2], mask: ['11', 0], grow_mask_by: '{{grow_mask_by}}' } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: '{{prompt}}', clip: ['4', 1] } },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: '{{negative_prompt}}', clip: ['4', 1] } },
  '3': {
    class_type: 'KSampler',
    inputs: { seed: '{{seed}}', steps: '{{steps}}', cfg: '{{cfg}}', sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['12', 0] },
  },
  '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
  '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'zoomwalk', images: ['8', 0] } },
};

const WHOLE = /^\{\{(\w+)\}\}$/;
const INSIDE = /\{\{(\w+)\}\}/g;

/**
 * Fills a template: a string that is exactly "{{name}}" becomes the typed value (numbers stay
 * numbers, as ComfyUI's validation requires); a placeholder inside longer text is interpolated.
 * Unknown placeholders and templates that never read the canvas or the mask are rejected, since
 * ComfyUI would otherwise run them and return an image unrelated to the walk.
 */
export function fillWorkflow(template: ComfyWorkflow, values: WorkflowValues): ComfyWorkflow {
  const table = values as unknown as Record<string, string | number>;
  const used = new Set<string>();
  const lookup = (name: string): string | number => {
    const v = table[name];
    if (v === undefined) throw new EngineError('comfyui', `workflow placeholder "{{${name}}}" is unknown; known: ${Object.keys(table).join(', ')}`);
    used.add(name);
    return v;
  };
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = WHOLE.exec(v);
      if (whole) return lookup(whole[1]!);
      return v.replace(INSIDE, (_m, name: string) => String(lookup(name)));
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const out = fill(template) as ComfyWorkflow;
  for (const need of ['image', 'mask']) if (!used.has(need)) throw new EngineError('comfyui', `the workflow never uses "{{${need}}}"`);
  return out;
}
