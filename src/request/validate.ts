import { ValidationError } from '../errors.js';
import { creativeOptions } from './creative.js';
import { parseOrThrow } from './issue-messages.js';
import { DEFAULTS, defaultOverlap, type OutputFormat } from './limits.js';
import { expandSchedule } from './schedule.js';
import { walkRequestSchema, type ParsedWalkRequest } from './schema.js';
import type { TranslationSource, WalkRequest } from './walk-request.js';

type Issue = { path: string; message: string };

/** Validates a raw request body (already merged with its preset) into a WalkRequest, or throws ValidationError. */
export function validateWalkRequest(body: unknown): WalkRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError([{ path: '', message: 'the request must be a JSON object' }]);
  }
  const parsed = parseOrThrow(walkRequestSchema, body);
  const issues: Issue[] = [];
  const req = normalise(parsed, issues);
  if (issues.length > 0) throw new ValidationError(issues);
  return req;
}

function even(n: number): number {
  return n - (n % 2);
}

/** docs/request.md: both px given → px; else translation_factor; else each px or 32. */
function effectiveTranslation(p: ParsedWalkRequest, w: number, h: number): WalkRequest['translation'] {
  const tw = p.width_translation_per_step;
  const th = p.height_translation_per_step;
  if (tw !== undefined && th !== undefined) return { x: tw, y: th, source: 'px' };
  if (p.translation_factor !== undefined) {
    return {
      x: Math.max(1, Math.round(p.translation_factor * w)),
      y: Math.max(1, Math.round(p.translation_factor * h)),
      source: 'factor',
    };
  }
  const source: TranslationSource = tw !== undefined || th !== undefined ? 'px' : 'default';
  return { x: tw ?? DEFAULTS.translationPx, y: th ?? DEFAULTS.translationPx, source };
}

function translationField(axis: 'x' | 'y', source: TranslationSource): string {
  if (source === 'factor') return 'translation_factor';
  return axis === 'x' ? 'width_translation_per_step' : 'height_translation_per_step';
}

function checkTranslation(req: Pick<WalkRequest, 'walk' | 'translation' | 'width' | 'height'>, issues: Issue[]): void {
  const { x, y, source } = req.translation;
  const kinds = new Set(req.walk);
  const pansX = kinds.has('left') || kinds.has('right');
  const pansY = kinds.has('up') || kinds.has('down');
  if (pansX && x >= req.width) {
    issues.push({ path: translationField('x', source), message: `${x} px must be below width ${req.width} for a left/right step` });
  }
  if (pansY && y >= req.height) {
    issues.push({ path: translationField('y', source), message: `${y} px must be below height ${req.height} for an up/down step` });
  }
  if (kinds.has('backward')) {
    if (2 * x >= req.width) {
      issues.push({ path: translationField('x', source), message: `${x} px is too large for a backward step: 2 × ${x} must be below width ${req.width}` });
    }
    if (2 * y >= req.height) {
      issues.push({ path: translationField('y', source), message: `${y} px is too large for a backward step: 2 × ${y} must be below height ${req.height}` });
    }
  }
}

function outputFormat(p: ParsedWalkRequest, issues: Issue[]): OutputFormat {
  const wanted = p.output_format;
  if (wanted === undefined) return p.as_video === 'yes' ? 'mp4' : 'png';
  if (p.as_video === 'no' && wanted !== 'png') {
    issues.push({ path: 'output_format', message: `"${wanted}" is a video format but as_video is "no"; use png or drop one of them` });
  }
  return wanted;
}

function stepSeeds(p: ParsedWalkRequest, issues: Issue[]): (number | null)[] | null {
  if (!Array.isArray(p.seed)) return null;
  const steps = p.walk_type.length;
  if (p.seed.length !== steps) issues.push({ path: 'seed', message: `${p.seed.length} seeds given for ${steps} walk steps; give one seed, or one per step (null: that step's default)` });
  return p.seed;
}

function normalise(p: ParsedWalkRequest, issues: Issue[]): WalkRequest {
  const width = even(p.width);
  const height = even(p.height);
  const format = outputFormat(p, issues);
  const req: WalkRequest = {
    image: p.image,
    prompts: expandSchedule('prompt', p.prompt, p.walk_type.length, issues),
    negativePrompts: expandSchedule('negative_prompt', p.negative_prompt, p.walk_type.length, issues),
    width,
    height,
    walk: p.walk_type,
    translation: effectiveTranslation(p, width, height),
    inferenceSteps: p.num_inference_steps,
    guidance: p.guidance_scale,
    fps: p.fps,
    seed: Array.isArray(p.seed) ? null : p.seed,
    stepSeeds: stepSeeds(p, issues),
    samples: p.samples,
    overlap: p.overlap_width ?? defaultOverlap(width, height),
    reverse: p.reverse,
    outputFormat: format,
    webhook: p.webhook ?? null,
    trackId: p.track_id ?? null,
    preset: p.preset ?? null,
    engine: p.engine ?? null,
    engineOptions: p.engine_options ?? null,
    ...creativeOptions(p, format, width, height, issues),
  };
  checkTranslation(req, issues);
  return req;
}
