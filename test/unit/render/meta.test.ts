// responseMeta reports the effective creative fields of a render: easing, frames per step (whichever
// way the speed was given), holds in seconds and frames, fades, loop and the encoded size, and
// audio / watermark by their settings, never their source.
import { describe, expect, it } from 'vitest';
import { responseMeta } from '../../../src/render/meta.js';
import type { RenderResult } from '../../../src/render/options.js';
import { validateWalkRequest } from '../../../src/request/validate.js';
import { planWalk } from '../../../src/walk/plan.js';

const MARK = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** The meta of a render of `body` (one sample, seed 9), as the server and CLI report it. */
function metaOf(body: Record<string, unknown>): Record<string, unknown> {
  const request = validateWalkRequest({ image: 'in.png', width: 256, height: 128, ...body });
  const plan = planWalk(request);
  const out = { path: 'out.mp4', seed: 9, format: request.outputFormat, frames: plan.totalFrames, width: request.width * request.outputScale, height: request.height * request.outputScale, fps: request.fps };
  const result: RenderResult = { outputs: [out], request, plan, engine: 'mirror', seconds: 1 };
  return responseMeta(result);
}

describe('responseMeta creative fields', () => {
  it('reports the defaults of a plain walk', () => {
    expect(metaOf({ walk_type: ['left'], num_interpolation_steps: 10, fps: 10 })).toMatchObject({
      easing: 'linear', num_interpolation_steps: 10, hold_start_s: 0, hold_end_s: 0, hold_start_frames: 0, hold_end_frames: 0,
      fade_in_s: 0, fade_out_s: 0, loop: false, output_scale: 1, output_width: 256, output_height: 128, audio: false, watermark: false, frames: 11,
    });
  });

  it('reports easing, frames per step from seconds_per_step, holds in seconds and frames, fades, scale and the encoded size', () => {
    const meta = metaOf({
      walk_type: ['backward', 'left'], fps: 24, seconds_per_step: 0.4, easing: 'ease-in-out', hold_start_s: 0.5, hold_end_s: 0.3, fade_in_s: 0.25, fade_out_s: 1,
      output_scale: 3, audio: 'https://example.com/a.wav', audio_volume: 0.7, audio_fade_out_s: 2, watermark: MARK, watermark_position: 'top-left', watermark_opacity: 0.4,
    });
    // round(24 × 0.4) = 10 frames per step; round(0.5 × 24) = 12 and round(0.3 × 24) = 7 held frames.
    expect(meta).toMatchObject({
      easing: 'ease-in-out', num_interpolation_steps: 10, hold_start_s: 0.5, hold_end_s: 0.3, hold_start_frames: 12, hold_end_frames: 7,
      fade_in_s: 0.25, fade_out_s: 1, loop: false, output_scale: 3, output_width: 768, output_height: 384, frames: 12 + 1 + 2 * 10 + 7,
      audio: true, audio_volume: 0.7, audio_fade_out_s: 2, watermark: true, watermark_position: 'top-left', watermark_scale: 0.2, watermark_opacity: 0.4,
    });
    // Sources are not echoed: a URL or path is the caller's, a data URI can be megabytes.
    expect(JSON.stringify(meta)).not.toContain('example.com');
    expect(JSON.stringify(meta)).not.toContain('base64');
    // Engine size stays width × height.
    expect(meta).toMatchObject({ width: 256, height: 128 });
  });

  it('reports a loop and its frame count: the frame that would repeat frame 0 is not emitted', () => {
    expect(metaOf({ walk_type: ['backward', 'backward', 'backward'], num_interpolation_steps: 8, fps: 24, loop: true })).toMatchObject({ loop: true, frames: 24, easing: 'linear' });
  });
});
