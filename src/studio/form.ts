// The studio's form state and the pure edits of its walk. No DOM here: unit tests import this file.
import { DEFAULTS, type OutputFormat, type WalkType } from '../request/limits.js';

/** One step of the walk as the editor shows it. */
export interface Step {
  readonly direction: WalkType;
  /** '' = the common prompt. */
  readonly prompt: string;
  /** null = the server's own per-step seed (derived from the walk's seed). */
  readonly seed: number | null;
}

/** How the per-step translation is given (docs/request.md: px wins over the factor). */
export type TranslationMode = 'px' | 'factor';

/** Everything the form holds; the v5 body is derived from it (request-body.ts). */
export interface StudioForm {
  /** An http(s) URL or a data URI; '' when none is chosen yet. */
  readonly image: string;
  /** What to call the image: a file name or the URL. */
  readonly imageName: string;
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly steps: readonly Step[];
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly interpolation: number;
  readonly translationMode: TranslationMode;
  readonly translationX: number;
  readonly translationY: number;
  readonly translationFactor: number;
  readonly inferenceSteps: number;
  readonly guidance: number;
  /** null = the server draws one (and reports it). */
  readonly seed: number | null;
  /** '' = the server's engine. */
  readonly engine: string;
  readonly outputFormat: Exclude<OutputFormat, 'png'>;
  readonly reverse: boolean;
}

/** The form a first visit starts from: a short zoom-out at the request defaults, 30 fps. */
export function defaultForm(): StudioForm {
  return {
    image: '',
    imageName: '',
    prompt: '',
    negativePrompt: '',
    steps: [step('backward'), step('backward'), step('left')],
    width: DEFAULTS.width,
    height: DEFAULTS.height,
    fps: 30,
    interpolation: 30,
    translationMode: 'px',
    translationX: DEFAULTS.translationPx,
    translationY: DEFAULTS.translationPx,
    translationFactor: 0.1,
    inferenceSteps: DEFAULTS.numInferenceSteps,
    guidance: DEFAULTS.guidanceScale,
    seed: 1,
    engine: '',
    outputFormat: 'mp4',
    reverse: false,
  };
}

/** A step going `direction` with the common prompt and the default seed. */
export function step(direction: WalkType): Step {
  return { direction, prompt: '', seed: null };
}

/** The steps with a copy of `fallback` inserted at `index`. */
export function insertStep(steps: readonly Step[], index: number, fallback: Step = step('backward')): Step[] {
  const out = [...steps];
  out.splice(index, 0, fallback);
  return out;
}

/** The steps without the one at `index`. */
export function deleteStep(steps: readonly Step[], index: number): Step[] {
  return steps.filter((_, i) => i !== index);
}

/** The steps with the one at `index` doubled in place. */
export function duplicateStep(steps: readonly Step[], index: number): Step[] {
  const s = steps[index];
  return s ? insertStep(steps, index + 1, s) : [...steps];
}

/** The steps with the one at `index` moved by `by` (−1 up, +1 down), clamped to the list. */
export function moveStep(steps: readonly Step[], index: number, by: number): Step[] {
  const to = Math.max(0, Math.min(steps.length - 1, index + by));
  const s = steps[index];
  if (!s || to === index) return [...steps];
  const out = deleteStep(steps, index);
  out.splice(to, 0, s);
  return out;
}

/** The whole walk played `times` times in a row, cut at `max` steps. */
export function repeatWalk(steps: readonly Step[], times: number, max: number): Step[] {
  const out = Array.from({ length: Math.max(1, Math.floor(times)) }, () => steps).flat();
  return out.slice(0, max);
}
