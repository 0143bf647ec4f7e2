// Form ⇄ v5 request body, both ways, and the same body as a curl command. No DOM here: unit
// tests import this file. The body's type is picked from the server's own schema, so a renamed
// or retyped field breaks the studio's type-check instead of a render.
import { DEFAULTS, OUTPUT_FORMATS, WALK_TYPES, type WalkType } from '../request/limits.js';
import { expandSchedule } from '../request/schedule.js';
import type { ParsedWalkRequest } from '../request/schema.js';
import { defaultStepSeed } from '../request/step-seeds.js';
import { creativeFromBody, effectsBody, speedBody, type CreativeBody } from './creative-body.js';
import { CREATIVE_DEFAULTS, type Step, type StudioForm } from './form.js';

/** The v5 body the studio sends: only fields of walkRequestSchema. */
export type StudioBody = Pick<ParsedWalkRequest, 'image' | 'prompt' | 'width' | 'height' | 'walk_type' | 'num_inference_steps' | 'guidance_scale' | 'fps'> &
  Partial<Pick<ParsedWalkRequest, 'negative_prompt' | 'width_translation_per_step' | 'height_translation_per_step' | 'translation_factor' | 'seed' | 'engine' | 'output_format' | 'reverse'>> &
  CreativeBody;

/** What the server told the page it accepts beyond the v5 contract (GET /api/studio/config). */
export interface BodyFeatures {
  readonly stepSeeds: boolean;
}

/** The exact body the page sends for `form`: no key (that travels in a header), no field left at a value the server would not use. */
export function toRequestBody(form: StudioForm, features: BodyFeatures = { stepSeeds: false }): StudioBody {
  const perStep = form.steps.some((s) => s.prompt.trim() !== '');
  const perStepNegative = form.steps.some((s) => s.negativePrompt.trim() !== '');
  const body: StudioBody = {
    image: form.image,
    prompt: perStep ? form.steps.map((s) => (s.prompt.trim() !== '' ? s.prompt : form.prompt)) : form.prompt,
    ...(perStepNegative
      ? { negative_prompt: form.steps.map((s) => (s.negativePrompt.trim() !== '' ? s.negativePrompt : form.negativePrompt)) }
      : form.negativePrompt !== '' ? { negative_prompt: form.negativePrompt } : {}),
    width: form.width,
    height: form.height,
    walk_type: form.steps.map((s) => s.direction),
    ...(form.translationMode === 'px'
      ? { width_translation_per_step: form.translationX, height_translation_per_step: form.translationY }
      : { translation_factor: form.translationFactor }),
    num_inference_steps: form.inferenceSteps,
    guidance_scale: form.guidance,
    ...speedBody(form),
    fps: form.fps,
    ...seedField(form, features),
    ...(form.engine !== '' ? { engine: form.engine } : {}),
    output_format: form.outputFormat,
    ...(form.reverse ? { reverse: true } : {}),
    ...effectsBody(form),
  };
  return body;
}

/**
 * `seed`: the walk's seed, or — when a step has its own and the server takes lists — one per step,
 * the others at the default the walk's seed gives them (src/request/step-seeds.ts), so the list
 * renders exactly as the walk's seed would have for those steps.
 */
function seedField(form: StudioForm, features: BodyFeatures): Pick<StudioBody, 'seed'> {
  if (features.stepSeeds && form.steps.some((s) => s.seed !== null)) {
    return { seed: form.steps.map((s, i) => s.seed ?? (form.seed !== null ? defaultStepSeed(form.seed, i) : null)) };
  }
  return form.seed !== null ? { seed: form.seed } : {};
}

/** The form a pasted request starts from: the server's defaults, the current image kept. */
export function requestBase(current: StudioForm): StudioForm {
  return {
    ...current,
    prompt: '',
    negativePrompt: '',
    width: DEFAULTS.width,
    height: DEFAULTS.height,
    fps: DEFAULTS.fps,
    interpolation: DEFAULTS.numInterpolationSteps,
    translationMode: 'px',
    translationX: DEFAULTS.translationPx,
    translationY: DEFAULTS.translationPx,
    inferenceSteps: DEFAULTS.numInferenceSteps,
    guidance: DEFAULTS.guidanceScale,
    seed: null,
    engine: '',
    outputFormat: 'mp4',
    reverse: false,
    ...CREATIVE_DEFAULTS,
  };
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

const direction = (v: unknown): WalkType | undefined => {
  const d = typeof v === 'string' ? v.trim().toLowerCase() : '';
  const name = d === 'back' ? 'backward' : d;
  return (WALK_TYPES as readonly string[]).includes(name) ? (name as WalkType) : undefined;
};

/** Fields a body may carry that the studio does not edit; loading says so rather than dropping them silently. */
const NOT_EDITED = ['samples', 'webhook', 'track_id', 'overlap_width', 'engine_options', 'as_video', 'key'];

/**
 * A form from a pasted request body (or a preset's fields), every field it lacks taken from `base`.
 * `ignored` names the fields the studio cannot show; `problems` the values it could not read.
 */
export function fromRequestBody(json: unknown, base: StudioForm): { form: StudioForm; ignored: string[]; problems: string[] } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { form: base, ignored: [], problems: ['the request must be a JSON object'] };
  const b = json as Record<string, unknown>;
  const problems: string[] = [];
  const ignored = NOT_EDITED.filter((k) => b[k] !== undefined && b[k] !== null && !(k === 'as_video' && b[k] === 'yes'));
  let steps: readonly Step[] = base.steps;
  const walk = typeof b['walk_type'] === 'string' ? [b['walk_type']] : b['walk_type'];
  if (Array.isArray(walk)) {
    const dirs = walk.map(direction);
    if (dirs.every((d) => d !== undefined)) steps = dirs.map((d) => ({ direction: d, prompt: '', negativePrompt: '', seed: null }));
    else problems.push(`walk_type: every step must be one of ${WALK_TYPES.join(', ')}`);
  } else if (walk !== undefined) problems.push('walk_type: must be a list of directions');
  const prompt = perStepText('prompt', b['prompt'], steps.length, problems);
  if (prompt.list) steps = steps.map((s, i) => ({ ...s, prompt: prompt.list![i] ?? '' }));
  const negative = perStepText('negative_prompt', b['negative_prompt'], steps.length, problems);
  if (negative.list) steps = steps.map((s, i) => ({ ...s, negativePrompt: negative.list![i] ?? '' }));
  const seeds = b['seed'];
  if (Array.isArray(seeds)) steps = steps.map((s, i) => ({ ...s, seed: num(seeds[i]) ?? null }));
  const tw = num(b['width_translation_per_step']);
  const th = num(b['height_translation_per_step']);
  const factor = num(b['translation_factor']);
  const translation: Partial<StudioForm> =
    tw !== undefined && th !== undefined
      ? { translationMode: 'px', translationX: tw, translationY: th }
      : factor !== undefined
        ? { translationMode: 'factor', translationFactor: factor }
        : tw !== undefined || th !== undefined
          ? { translationMode: 'px', translationX: tw ?? DEFAULTS.translationPx, translationY: th ?? DEFAULTS.translationPx }
          : {};
  const format = typeof b['output_format'] === 'string' ? b['output_format'].trim().toLowerCase() : undefined;
  if (format !== undefined && (format === 'png' || !(OUTPUT_FORMATS as readonly string[]).includes(format))) problems.push(`output_format: the studio makes videos (mp4, webm, gif), not "${format}"`);
  // A list of seeds is the steps' own; the walk then has no seed of its own.
  const seed = b['seed'] === null || Array.isArray(seeds) ? null : num(b['seed']);
  const image = typeof b['image'] === 'string' && b['image'] !== '' ? b['image'] : undefined;
  const form: StudioForm = {
    ...base,
    ...(image !== undefined ? { image, imageName: image.startsWith('data:') ? 'pasted image' : image } : {}),
    ...(prompt.common !== undefined ? { prompt: prompt.common } : {}),
    ...(negative.common !== undefined ? { negativePrompt: negative.common } : {}),
    steps,
    width: num(b['width']) ?? base.width,
    height: num(b['height']) ?? base.height,
    fps: num(b['fps']) ?? base.fps,
    ...translation,
    inferenceSteps: num(b['num_inference_steps']) ?? base.inferenceSteps,
    guidance: num(b['guidance_scale']) ?? base.guidance,
    seed: 'seed' in b ? (seed ?? null) : base.seed,
    ...(typeof b['engine'] === 'string' ? { engine: b['engine'] } : {}),
    ...(format === 'mp4' || format === 'webm' || format === 'gif' ? { outputFormat: format } : {}),
    ...(b['reverse'] !== undefined ? { reverse: b['reverse'] === true || b['reverse'] === 'true' || b['reverse'] === 'yes' } : {}),
    ...creativeFromBody(b, problems),
  };
  return { form, ignored, problems };
}

/**
 * A per-step text field of a body: one string is the common text; a list, or a schedule keyed by
 * step index (expanded as the server does, src/request/schedule.ts), gives each step its own and
 * leaves the common text empty.
 */
function perStepText(field: string, value: unknown, steps: number, problems: string[]): { common?: string; list?: string[] } {
  if (typeof value === 'string') return { common: value };
  if (Array.isArray(value)) {
    const list = value.map((p) => (typeof p === 'string' ? p : ''));
    return { common: '', list: Array.from({ length: steps }, (_, i) => list[Math.min(i, list.length - 1)] ?? '') };
  }
  if (typeof value === 'object' && value !== null) {
    const issues: { path: string; message: string }[] = [];
    const record = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : '']));
    const list = expandSchedule(field, record, steps, issues);
    problems.push(...issues.map((i) => `${i.path}: ${i.message}`));
    return { common: '', list };
  }
  return {};
}

/** The body under its preset's fields, as the server's applyPreset does; unknown preset names are left to the server. */
export function withPreset(json: unknown, presets: readonly { name: string; fields: Record<string, unknown> }[]): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  const b = json as Record<string, unknown>;
  const preset = presets.find((p) => p.name === b['preset']);
  if (!preset) return json;
  const { preset: _name, ...rest } = b;
  const fields = { ...preset.fields };
  // The body's own timing wins whichever way it is given (src/request/presets.ts).
  if (rest['seconds_per_step'] !== undefined) delete fields['num_interpolation_steps'];
  if (rest['num_interpolation_steps'] !== undefined) delete fields['seconds_per_step'];
  return { ...fields, ...rest };
}

/** A shell command that sends exactly `body`; the key, when one is needed, comes from $ZOOMWALK_API_KEY so it never lands in a clipboard. */
export function curlCommand(body: StudioBody, origin: string, keyRequired: boolean): string {
  const quoted = `'${JSON.stringify(body).replaceAll("'", "'\\''")}'`;
  const key = keyRequired ? ` -H "x-key: $ZOOMWALK_API_KEY"` : '';
  return `curl -s ${origin}/api/v5/outpaint -H 'content-type: application/json'${key} -d ${quoted}`;
}
