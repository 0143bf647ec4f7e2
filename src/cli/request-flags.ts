import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseWalkSyntax } from '../request/walk-syntax.js';

/** Request fields set by flags, merged over the request file (or the image's empty request). */
export type RequestFields = Record<string, unknown>;

/** One flag: its commander spelling, its help, and the request fields its value sets. */
interface RequestFlag {
  readonly flags: string;
  readonly help: string;
  readonly apply: (value: string | boolean, flag: string) => RequestFields;
  /** Also offer --no-<name> (to switch off a request file's true). */
  readonly negatable?: boolean;
}

const int = (v: string, flag: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n)) throw new UsageError(`${flag}: "${v}" must be an integer`);
  return n;
};

const num = (v: string, flag: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: "${v}" must be a number`);
  return n;
};

const text = (v: string): string => v;

/** Text, or a JSON array / object when it starts with [ or { (a per-step list or a schedule). */
const textOrJson = (v: string, flag: string): unknown => {
  if (!/^\s*[[{]/.test(v)) return v;
  try {
    return JSON.parse(v) as unknown;
  } catch (err) {
    throw new UsageError(`${flag}: "${v}" starts like JSON but is not valid JSON: ${(err as Error).message}`);
  }
};

const jsonObject = (v: string, flag: string): unknown => {
  const parsed = textOrJson(v, flag);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag}: "${v}" must be a JSON object`);
  return parsed;
};

/** "W" or "WxH" (also ×): one number for both axes, or one per axis. */
const pair = (v: string, flag: string, example: string): [number, number] => {
  const parts = v.split(/[x×]/i);
  if (parts.length > 2) throw new UsageError(`${flag}: "${v}" must look like ${example}`);
  const a = int(parts[0]!, flag);
  return [a, parts.length === 2 ? int(parts[1]!, flag) : a];
};

const field =
  (name: string, parse: (v: string, flag: string) => unknown) =>
  (v: string | boolean, flag: string): RequestFields => ({ [name]: parse(String(v), flag) });

const toggle =
  (name: string) =>
  (v: string | boolean): RequestFields => ({ [name]: v === true });

/**
 * Every request field as a flag: one line per flag. Fields the schema does not know are still
 * passed through (unknown fields are ignored by the validator), so a new field is one line here.
 */
export const REQUEST_FLAGS: readonly RequestFlag[] = [
  {
    flags: '--walk <steps>',
    help: 'walk_type as DIR[*N],…, e.g. "backward*6,left*2"',
    apply: (v, flag) => {
      const parsed = parseWalkSyntax(String(v));
      if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.message}`);
      return { walk_type: parsed.walk };
    },
  },
  { flags: '--size <WxH>', help: 'width and height, e.g. 1080x1920', apply: (v, f) => { const [width, height] = pair(String(v), f, '1080x1920'); return { width, height }; } },
  { flags: '--width <px>', help: 'width (64-2048)', apply: field('width', int) },
  { flags: '--height <px>', help: 'height (64-2048)', apply: field('height', int) },
  { flags: '--fps <n>', help: 'frames per second (1-120)', apply: field('fps', int) },
  { flags: '--interpolation <n>', help: 'num_interpolation_steps: frames per walk step (1-120)', apply: field('num_interpolation_steps', int) },
  { flags: '--steps <n>', help: "num_inference_steps: the engine's effort (1-50)", apply: field('num_inference_steps', int) },
  { flags: '--guidance <n>', help: 'guidance_scale (0-30)', apply: field('guidance_scale', num) },
  {
    flags: '--translation <px>',
    help: 'translation per step in px, both axes, or XxY',
    apply: (v, f) => { const [x, y] = pair(String(v), f, '32 or 40x20'); return { width_translation_per_step: x, height_translation_per_step: y }; },
  },
  { flags: '--translation-factor <f>', help: 'translation per step as a fraction of the size (0-1)', apply: field('translation_factor', num) },
  { flags: '--prompt <text>', help: 'prompt; a JSON array (one per step) or {"step": "text"} schedule', apply: field('prompt', textOrJson) },
  { flags: '--negative-prompt <text>', help: 'negative prompt; array or schedule as for --prompt', apply: field('negative_prompt', textOrJson) },
  {
    flags: '--seed <n>',
    help: 'seed (a comma-separated list: one per step)',
    apply: (v, f) => { const parts = String(v).split(','); return { seed: parts.length === 1 ? int(parts[0]!, f) : parts.map((p) => int(p, f)) }; },
  },
  { flags: '--samples <n>', help: 'number of walks rendered, with seeds seed … seed+n-1 (1-4)', apply: field('samples', int) },
  { flags: '--format <fmt>', help: 'output_format: mp4, webm, gif or png', apply: field('output_format', text) },
  { flags: '--as-video <yes|no>', help: 'as_video: "no" writes the final keyframe as an image', apply: field('as_video', text) },
  { flags: '--overlap <px>', help: 'overlap_width: feather band between keyframes (0-256)', apply: field('overlap_width', int) },
  { flags: '--reverse', help: 'play the walk backwards (an infinite zoom-in)', apply: toggle('reverse'), negatable: true },
  { flags: '--engine-options <json>', help: "engine_options: a JSON object of the remote engine's own fields", apply: field('engine_options', jsonObject) },
  // Creative controls (issue 14), validated by the request schema.
  { flags: '--easing <curve>', help: 'linear, ease-in, ease-out or ease-in-out, over the whole walk', apply: field('easing', text) },
  { flags: '--seconds-per-step <s>', help: 'seconds_per_step, instead of --interpolation', apply: field('seconds_per_step', num) },
  { flags: '--hold-start <s>', help: 'hold_start_s: seconds on the first frame', apply: field('hold_start_s', num) },
  { flags: '--hold-end <s>', help: 'hold_end_s: seconds on the last frame', apply: field('hold_end_s', num) },
  { flags: '--fade-in <s>', help: 'fade_in_s: seconds of fade from black', apply: field('fade_in_s', num) },
  { flags: '--fade-out <s>', help: 'fade_out_s: seconds of fade to black', apply: field('fade_out_s', num) },
  { flags: '--loop', help: 'a seamless loop (backward walks only)', apply: toggle('loop'), negatable: true },
  { flags: '--audio <file>', help: 'audio track, trimmed or padded to the video', apply: field('audio', text) },
  { flags: '--audio-volume <v>', help: 'audio_volume (0-2)', apply: field('audio_volume', num) },
  { flags: '--audio-fade-out <s>', help: 'audio_fade_out_s', apply: field('audio_fade_out_s', num) },
  { flags: '--watermark <png>', help: 'a PNG composited into every frame', apply: field('watermark', text) },
  { flags: '--watermark-position <pos>', help: 'watermark_position: a corner or centre', apply: field('watermark_position', text) },
  { flags: '--watermark-scale <f>', help: 'watermark_scale', apply: field('watermark_scale', num) },
  { flags: '--watermark-opacity <f>', help: 'watermark_opacity (0-1)', apply: field('watermark_opacity', num) },
  { flags: '--output-scale <k>', help: "output_scale: encode at k × the engine's size (1-4)", apply: field('output_scale', num) },
];

/** Adds every request flag to `command` (for `zoomwalk render`). */
export function addRequestFlags(command: Command): Command {
  for (const row of REQUEST_FLAGS) {
    command.addOption(new Option(row.flags, row.help));
    if (row.negatable) command.addOption(new Option(`--no-${new Option(row.flags).name()}`, `${row.flags} off, over the request file`));
  }
  return command;
}

/** The request fields the parsed flags set, in table order (later rows win: --width over --size). */
export function requestFieldsFromFlags(opts: Readonly<Record<string, unknown>>): RequestFields {
  const fields: RequestFields = {};
  for (const row of REQUEST_FLAGS) {
    const option = new Option(row.flags);
    const value = opts[option.attributeName()];
    if (value === undefined) continue;
    Object.assign(fields, row.apply(value as string | boolean, option.long ?? row.flags));
  }
  return fields;
}
