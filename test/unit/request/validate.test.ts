import { describe, expect, it } from 'vitest';
import { getPreset, listPresets } from '../../../src/presets/shipped.js';
import { applyPreset } from '../../../src/request/presets.js';
import { validateWalkRequest } from '../../../src/request/validate.js';
import { messageOf } from '../../support/validation.js';

const base = { image: 'in.png', walk_type: ['left'] };


describe('validateWalkRequest', () => {
  it('applies the documented defaults', () => {
    const r = validateWalkRequest(base);
    expect(r).toMatchObject({ width: 512, height: 512, inferenceSteps: 20, interpolationSteps: 60, fps: 120, seed: null, samples: 1, outputFormat: 'mp4', reverse: false });
    expect(r.translation).toEqual({ x: 32, y: 32, source: 'default' });
    expect(r.overlap).toBe(32);
  });

  it('accepts "back" and any case for walk types', () => {
    expect(validateWalkRequest({ ...base, walk_type: ['Back', 'BACKWARD', 'Left'] }).walk).toEqual(['backward', 'backward', 'left']);
  });

  it('names the index and the allowed values of an unknown walk type', () => {
    expect(messageOf({ ...base, walk_type: ['left', 'up', 'down', 'sideways'] })).toBe('walk_type[3]: "sideways" is not one of left, right, up, down, backward');
  });

  it('names field, value and limit for out-of-range numbers', () => {
    expect(messageOf({ ...base, width: 5000 })).toBe('width: 5000 is above the maximum 2048');
    expect(messageOf({ ...base, fps: 0 })).toBe('fps: 0 is below the minimum 1');
    expect(messageOf({ ...base, num_inference_steps: 51 })).toBe('num_inference_steps: 51 is above the maximum 50');
    expect(messageOf({ ...base, num_interpolation_steps: 121 })).toBe('num_interpolation_steps: 121 is above the maximum 120');
    expect(messageOf({ ...base, samples: 5 })).toBe('samples: 5 is above the maximum 4');
  });

  it('rejects as_video values other than yes/no', () => {
    expect(messageOf({ ...base, as_video: 'maybe' })).toBe('as_video: "maybe" is not one of yes, no');
  });

  it('reports every bad field at once', () => {
    const msg = messageOf({ walk_type: ['x'], fps: 0 });
    expect(msg).toContain('image');
    expect(msg).toContain('walk_type[0]');
    expect(msg).toContain('fps');
  });

  it('takes numbers sent as strings, as public clients do', () => {
    expect(validateWalkRequest({ ...base, width: '768', fps: '30' })).toMatchObject({ width: 768, fps: 30 });
  });

  it('follows the translation precedence: both px, else factor, else 32', () => {
    expect(validateWalkRequest({ ...base, width_translation_per_step: 10, height_translation_per_step: 20, translation_factor: 0.25 }).translation).toEqual({ x: 10, y: 20, source: 'px' });
    expect(validateWalkRequest({ ...base, width: 640, height: 480, translation_factor: 0.1, width_translation_per_step: 10 }).translation).toEqual({ x: 64, y: 48, source: 'factor' });
    expect(validateWalkRequest({ ...base, width_translation_per_step: 10 }).translation).toEqual({ x: 10, y: 32, source: 'px' });
  });

  it('requires 2·t < size for backward and t < size for pans', () => {
    expect(messageOf({ ...base, walk_type: ['backward'], width_translation_per_step: 256, height_translation_per_step: 10 })).toBe(
      'width_translation_per_step: 256 px is too large for a backward step: 2 × 256 must be below width 512',
    );
    expect(() => validateWalkRequest({ ...base, walk_type: ['backward'], width_translation_per_step: 255, height_translation_per_step: 10 })).not.toThrow();
    expect(messageOf({ ...base, walk_type: ['up'], height: 256, width_translation_per_step: 8, height_translation_per_step: 256 })).toContain('below height 256');
  });

  it('rounds odd sizes down to even so yuv420p video takes them', () => {
    expect(validateWalkRequest({ ...base, width: 513, height: 301 })).toMatchObject({ width: 512, height: 300 });
  });

  it('spreads one prompt over every step, or takes one per step', () => {
    expect(validateWalkRequest({ ...base, walk_type: ['left', 'up'], prompt: 'a forest' }).prompts).toEqual(['a forest', 'a forest']);
    expect(validateWalkRequest({ ...base, walk_type: ['left', 'up'], prompt: ['a', 'b'] }).prompts).toEqual(['a', 'b']);
    expect(messageOf({ ...base, walk_type: ['left', 'up'], prompt: ['a', 'b', 'c'] })).toBe('prompt: 3 prompts given for 2 walk steps; give one prompt, one per step, or an object keyed by step index');
  });

  it('derives the output format from as_video and checks output_format against it', () => {
    expect(validateWalkRequest({ ...base, as_video: 'no' }).outputFormat).toBe('png');
    expect(validateWalkRequest({ ...base, output_format: 'webm' }).outputFormat).toBe('webm');
    expect(messageOf({ ...base, as_video: 'no', output_format: 'gif' })).toContain('output_format');
  });

  it('rejects a body that is not an object', () => {
    expect(messageOf([1, 2])).toBe('the request must be a JSON object');
  });
});

describe('presets', () => {
  const presets = listPresets();

  it('ships the documented presets', () => {
    expect(presets.map((p) => p.name)).toEqual(expect.arrayContaining(['infinite-zoom-out', 'panorama', 'vertical-9x16', 'square-social']));
  });

  it.each(presets.map((p) => [p.name]))('%s is a valid request once an image is given', (name) => {
    const req = validateWalkRequest(applyPreset({ image: 'x.png' }, getPreset, name));
    expect(req.preset).toBe(name);
  });

  it('lets the request override preset fields', () => {
    const req = validateWalkRequest(applyPreset({ image: 'x.png', preset: 'vertical-9x16', fps: 24 }, getPreset));
    expect(req).toMatchObject({ width: 1080, height: 1920, fps: 24 });
  });

  it('names the known presets when one is unknown', () => {
    expect(() => applyPreset({ image: 'x.png', preset: 'nope' }, getPreset)).toThrow(/unknown preset "nope"; known: .*infinite-zoom-out/);
  });
});
