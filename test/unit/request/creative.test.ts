import { describe, expect, it } from 'vitest';
import { applyPreset } from '../../../src/request/presets.js';
import { validateWalkRequest } from '../../../src/request/validate.js';
import { messageOf } from '../../support/validation.js';

const base = { image: 'in.png', walk_type: ['backward', 'backward'], fps: 30 };


describe('creative request fields', () => {
  it('defaults to today’s walk: linear, no holds, fades, loop, audio, watermark, scale 1', () => {
    expect(validateWalkRequest(base)).toMatchObject({ interpolationSteps: 60, easing: 'linear', holdStart: 0, holdEnd: 0, fadeIn: 0, fadeOut: 0, loop: false, audio: null, watermark: null, outputScale: 1 });
  });

  it('takes seconds_per_step as round(fps × s) frames, and rejects it together with num_interpolation_steps', () => {
    expect(validateWalkRequest({ ...base, seconds_per_step: 1.5 }).interpolationSteps).toBe(45);
    expect(messageOf({ ...base, seconds_per_step: 1, num_interpolation_steps: 10 })).toBe('seconds_per_step: give seconds_per_step or num_interpolation_steps, not both');
    expect(messageOf({ ...base, seconds_per_step: 5 })).toBe('seconds_per_step: 5 s at fps 30 gives 150 frames per step; round(fps × seconds_per_step) must be 1 – 120');
    expect(messageOf({ ...base, seconds_per_step: 0 })).toBe('seconds_per_step: 0 is below the minimum 0 (exclusive)');
  });

  it('lets the request’s own timing replace a preset’s', () => {
    const lookup = () => ({ name: 'p', description: '', fields: { num_interpolation_steps: 12 } });
    expect(validateWalkRequest(applyPreset({ ...base, seconds_per_step: 1, preset: 'p' }, lookup)).interpolationSteps).toBe(30);
  });

  it('checks easing, holds and fades with the field and the limit', () => {
    expect(validateWalkRequest({ ...base, easing: 'Ease-In-Out' }).easing).toBe('ease-in-out');
    expect(messageOf({ ...base, easing: 'bounce' })).toBe('easing: "bounce" is not one of linear, ease-in, ease-out, ease-in-out');
    expect(messageOf({ ...base, hold_start_s: 31 })).toBe('hold_start_s: 31 is above the maximum 30');
    expect(messageOf({ ...base, num_interpolation_steps: 5, fade_in_s: 0.3, fade_out_s: 0.1 })).toBe("fade_in_s: fade_in_s + fade_out_s = 0.4 s must not exceed the video's 0.367 s");
  });

  it('allows loop only for backward-only, linear walks without holds or fades', () => {
    expect(validateWalkRequest({ ...base, loop: true }).loop).toBe(true);
    expect(messageOf({ ...base, walk_type: ['backward', 'left'], loop: true })).toBe('loop: a seamless loop needs a walk of backward steps only; walk_type[1] is "left"');
    expect(messageOf({ ...base, loop: true, easing: 'ease-in' })).toContain('loop: a seamless loop needs easing "linear"');
    expect(messageOf({ ...base, loop: true, hold_end_s: 1 })).toBe('loop: a seamless loop has no start or end: hold_end_s must be 0');
  });

  it('takes audio for mp4 and webm only, with volume 0 – 2', () => {
    expect(validateWalkRequest({ ...base, audio: 'a.wav', audio_volume: 0.5, audio_fade_out_s: 2 }).audio).toEqual({ source: 'a.wav', volume: 0.5, fadeOut: 2 });
    expect(messageOf({ ...base, audio: 'a.wav', output_format: 'gif' })).toBe('audio: gif has no sound; use output_format mp4 or webm');
    expect(messageOf({ ...base, audio: 'a.wav', as_video: 'no' })).toBe('audio: png has no sound; use output_format mp4 or webm');
    expect(messageOf({ ...base, audio: 'a.wav', audio_volume: 3 })).toBe('audio_volume: 3 is above the maximum 2');
  });

  it('takes a watermark with position, scale and opacity', () => {
    expect(validateWalkRequest({ ...base, watermark: 'logo.png', watermark_position: 'CENTER', watermark_opacity: 0.4 }).watermark).toEqual({ source: 'logo.png', position: 'center', scale: 0.2, opacity: 0.4 });
    expect(messageOf({ ...base, watermark: 'logo.png', watermark_position: 'middle' })).toContain('watermark_position: "middle" is not one of top-left');
    expect(messageOf({ ...base, watermark: 'logo.png', watermark_opacity: 1.5 })).toBe('watermark_opacity: 1.5 is above the maximum 1');
  });

  it('checks output_scale 1 – 4 against the largest output side', () => {
    expect(validateWalkRequest({ ...base, output_scale: 4 }).outputScale).toBe(4);
    expect(messageOf({ ...base, output_scale: 5 })).toBe('output_scale: 5 is above the maximum 4');
    expect(messageOf({ ...base, width: 1080, height: 1920, output_scale: 3 })).toBe('output_scale: 3 × 1920 px = 5760 px is above the maximum output side 4096');
  });
});
