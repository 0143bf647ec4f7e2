import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addRequestFlags, REQUEST_FLAGS, requestFieldsFromFlags } from '../../../src/cli/request-flags.js';
import { UsageError } from '../../../src/errors.js';

/** Parses `args` as `zoomwalk render x <args>` would and returns the request fields the flags set. */
function fields(args: string[]): Record<string, unknown> {
  const command = addRequestFlags(new Command('render').argument('<input>').exitOverride().action(() => undefined));
  command.parse(['x', ...args], { from: 'user' });
  return requestFieldsFromFlags(command.opts());
}

describe('request flags', () => {
  it('maps each flag to its request field, parsed', () => {
    expect(
      fields(['--walk', 'back*2,up', '--fps', '24', '--interpolation', '30', '--steps', '12', '--guidance', '6.5', '--translation-factor', '0.1', '--samples', '2', '--format', 'webm', '--overlap', '16', '--reverse']),
    ).toEqual({
      walk_type: ['backward', 'backward', 'up'],
      fps: 24,
      num_interpolation_steps: 30,
      num_inference_steps: 12,
      guidance_scale: 6.5,
      translation_factor: 0.1,
      samples: 2,
      output_format: 'webm',
      overlap_width: 16,
      reverse: true,
    });
  });

  it('splits --size and --translation into both axes; --width/--height win over --size', () => {
    expect(fields(['--size', '1080x1920'])).toEqual({ width: 1080, height: 1920 });
    expect(fields(['--size', '1080×1920', '--height', '1000'])).toEqual({ width: 1080, height: 1000 });
    expect(fields(['--translation', '40'])).toEqual({ width_translation_per_step: 40, height_translation_per_step: 40 });
    expect(fields(['--translation', '40x20'])).toEqual({ width_translation_per_step: 40, height_translation_per_step: 20 });
  });

  it('takes text prompts, or JSON arrays and schedules', () => {
    expect(fields(['--prompt', 'a forest, at dawn', '--negative-prompt', 'blur'])).toEqual({ prompt: 'a forest, at dawn', negative_prompt: 'blur' });
    expect(fields(['--prompt', '{"0": "forest", "4": "sea"}'])).toEqual({ prompt: { '0': 'forest', '4': 'sea' } });
    expect(fields(['--negative-prompt', '["a", "b"]'])).toEqual({ negative_prompt: ['a', 'b'] });
  });

  it('takes one seed or a comma list (one per step)', () => {
    expect(fields(['--seed', '7'])).toEqual({ seed: 7 });
    expect(fields(['--seed', '7,8,9'])).toEqual({ seed: [7, 8, 9] });
  });

  it('passes the creative-control fields through, and --no-loop switches a file\'s loop off', () => {
    expect(
      fields(['--easing', 'ease-in-out', '--seconds-per-step', '1.5', '--hold-start', '1', '--hold-end', '2', '--fade-in', '0.5', '--fade-out', '0.75', '--loop', '--audio', 'a.mp3', '--audio-volume', '0.8', '--audio-fade-out', '2', '--watermark', 'logo.png', '--watermark-position', 'bottom-right', '--watermark-scale', '0.2', '--watermark-opacity', '0.5', '--output-scale', '2']),
    ).toEqual({
      easing: 'ease-in-out',
      seconds_per_step: 1.5,
      hold_start_s: 1,
      hold_end_s: 2,
      fade_in_s: 0.5,
      fade_out_s: 0.75,
      loop: true,
      audio: 'a.mp3',
      audio_volume: 0.8,
      audio_fade_out_s: 2,
      watermark: 'logo.png',
      watermark_position: 'bottom-right',
      watermark_scale: 0.2,
      watermark_opacity: 0.5,
      output_scale: 2,
    });
    expect(fields(['--no-loop'])).toEqual({ loop: false });
    expect(fields([])).toEqual({});
  });

  it.each([
    [['--fps', 'fast'], '--fps: "fast" must be an integer'],
    [['--fps', '2.5'], '--fps: "2.5" must be an integer'],
    [['--guidance', 'x'], '--guidance: "x" must be a number'],
    [['--size', '10x20x30'], '--size: "10x20x30" must look like 1080x1920'],
    [['--size', 'wide'], '--size: "wide" must be an integer'],
    [['--seed', '1,x'], '--seed: "x" must be an integer'],
    [['--prompt', '{oops'], '--prompt: "{oops" starts like JSON but is not valid JSON'],
    [['--engine-options', '[1]'], '--engine-options: "[1]" must be a JSON object'],
    [['--walk', 'sideways'], '--walk: "sideways": "sideways" is not a step'],
  ])('rejects %j with a usage error naming the flag', (args, message) => {
    let error: unknown;
    try {
      fields(args);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });

  it('has one flag per row and no flag twice', () => {
    const longs = REQUEST_FLAGS.map((r) => r.flags.split(' ')[0]);
    expect(new Set(longs).size).toBe(longs.length);
  });
});
