// The studio's form state and the pure edits of its walk. No DOM here: unit tests import this file.
import { secondsToFrames } from '../request/creative.js';
import { DEFAULTS, type Easing, type OutputFormat, type WalkType, type WatermarkPosition } from '../request/limits.js';

/** One step of the walk as the editor shows it. */
export interface Step {
  readonly direction: WalkType;
  /** '' = the common prompt. */
  readonly prompt: string;
  /** '' = the common negative prompt. */
  readonly negativePrompt: string;
  /** null = the server's own per-step seed (derived from the walk's seed). */
  readonly seed: number | null;
}

/** How the per-step translation is given (docs/request.md: px wins over the factor). */
export type TranslationMode = 'px' | 'factor';

/** How the speed is given: frames per step (`num_interpolation_steps`) or `seconds_per_step`, never both. */
export type SpeedMode = 'frames' | 'seconds';

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
  readonly speedMode: SpeedMode;
  readonly interpolation: number;
  readonly secondsPerStep: number;
  readonly easing: Easing;
  /** Seconds, as the request fields hold_start_s … fade_out_s. */
  readonly holdStart: number;
  readonly holdEnd: number;
  readonly fadeIn: number;
  readonly fadeOut: number;
  readonly loop: boolean;
  /** An http(s) URL of a sound file; '' = no audio. */
  readonly audio: string;
  readonly audioVolume: number;
  readonly audioFadeOut: number;
  /** A data URI or an http(s) URL of a PNG; '' = no watermark. */
  readonly watermark: string;
  readonly watermarkName: string;
  readonly watermarkPosition: WatermarkPosition;
  readonly watermarkScale: number;
  readonly watermarkOpacity: number;
  readonly outputScale: number;
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

/** The creative fields at the server's defaults (src/request/creative-schema.ts); `secondsPerStep` only seeds the control. */
export const CREATIVE_DEFAULTS = {
  speedMode: 'frames',
  secondsPerStep: 1,
  easing: 'linear',
  holdStart: 0,
  holdEnd: 0,
  fadeIn: 0,
  fadeOut: 0,
  loop: false,
  audio: '',
  audioVolume: 1,
  audioFadeOut: 0,
  watermark: '',
  watermarkName: '',
  watermarkPosition: 'bottom-right',
  watermarkScale: 0.2,
  watermarkOpacity: 1,
  outputScale: 1,
} as const satisfies Partial<StudioForm>;

/** Frames per step the server will use: num_interpolation_steps, or round(fps × seconds_per_step) (src/request/creative.ts). */
export function framesPerStep(form: Pick<StudioForm, 'speedMode' | 'interpolation' | 'secondsPerStep' | 'fps'>): number {
  return form.speedMode === 'seconds' ? secondsToFrames(form.fps, form.secondsPerStep) : form.interpolation;
}

/** Why a seamless loop is not possible for this form (the server's rules in src/request/creative.ts), or null. */
export function loopBlocker(form: Pick<StudioForm, 'steps' | 'easing' | 'holdStart' | 'holdEnd' | 'fadeIn' | 'fadeOut'>): string | null {
  const other = form.steps.findIndex((s) => s.direction !== 'backward');
  if (other >= 0) return `a loop needs backward steps only; step ${other + 1} is ${form.steps[other]!.direction}`;
  if (form.easing !== 'linear') return 'a loop needs linear easing';
  if (form.holdStart > 0 || form.holdEnd > 0 || form.fadeIn > 0 || form.fadeOut > 0) return 'a loop has no start or end: no holds or fades';
  return null;
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
    ...CREATIVE_DEFAULTS,
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
  return { direction, prompt: '', negativePrompt: '', seed: null };
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
