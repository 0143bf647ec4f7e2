// Where a server message belongs on the page. The form's control ids are the v5 field names, so
// most fields map to themselves; per-step fields (`walk_type[2]`, `prompt[2]`) go to their row.
// No DOM here: unit tests import this file.

/** Controls whose id is the field name itself (see settings-panel.tsx). */
const SAME_ID = new Set([
  'prompt', 'negative_prompt', 'width', 'height', 'fps', 'num_interpolation_steps', 'width_translation_per_step', 'height_translation_per_step',
  'translation_factor', 'num_inference_steps', 'guidance_scale', 'seed', 'engine', 'output_format',
  // The creative fields (creative-panel.tsx).
  'seconds_per_step', 'easing', 'hold_start_s', 'hold_end_s', 'fade_in_s', 'fade_out_s', 'loop', 'audio', 'audio_volume', 'audio_fade_out_s',
  'watermark', 'watermark_position', 'watermark_scale', 'watermark_opacity', 'output_scale',
]);

/** The per-step fields and the suffix of their control's id in a walk row (walk-editor.tsx). */
const STEP_CONTROL: Record<string, string> = { walk_type: 'direction', prompt: 'prompt', negative_prompt: 'negative', seed: 'seed' };

/** The id of the control a server field names, or null when the form has none (then the message goes on top). */
export function controlFor(field: string): string | null {
  if (SAME_ID.has(field)) return field;
  if (field === 'image') return 'image-file';
  if (field === 'walk_type') return 'step-0-direction';
  const step = /^(walk_type|prompt|negative_prompt|seed)\[(\d+)\]$/.exec(field);
  if (step) return `step-${step[2]}-${STEP_CONTROL[step[1]!]}`;
  return null;
}

/** Splits a 422's issues into messages by field (shown in place) and lines for the top of the form. */
export function placeErrors(issues: readonly { field: string; message: string }[], message: string): { byField: Record<string, string>; general: string[] } {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const i of issues) {
    if (controlFor(i.field) !== null) byField[i.field] = byField[i.field] ? `${byField[i.field]}; ${i.message}` : i.message;
    else general.push(i.field ? `${i.field}: ${i.message}` : i.message);
  }
  // A 422 without named issues (an unknown engine, an unreadable image) names its field in the message.
  if (issues.length === 0) {
    const m = /^([a-z_]+(?:\[\d+\])?): (.*)$/s.exec(message);
    if (m && controlFor(m[1]!) !== null) byField[m[1]!] = m[2]!;
    else general.push(message);
  }
  return { byField, general };
}
