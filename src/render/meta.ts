import { fillStepSeeds } from '../request/step-seeds.js';
import type { RenderResult } from './options.js';

/** One value when every step has the same, else the list (as the public API's single prompt). */
function collapse(perStep: readonly string[]): string | readonly string[] {
  return perStep.length > 0 && perStep.every((p) => p === perStep[0]) ? perStep[0]! : perStep;
}

/** The `meta` object of a response: the effective request as the public API reports it. */
export function responseMeta(result: RenderResult): Record<string, unknown> {
  const r = result.request;
  return {
    prompt: collapse(r.prompts),
    negative_prompt: collapse(r.negativePrompts),
    width: r.width,
    height: r.height,
    walk_type: r.walk,
    width_translation_per_step: r.translation.x,
    height_translation_per_step: r.translation.y,
    translation_source: r.translation.source,
    num_inference_steps: r.inferenceSteps,
    guidance_scale: r.guidance,
    num_interpolation_steps: r.interpolationSteps,
    fps: r.fps,
    frames: result.plan.totalFrames,
    // A seed list is reported as the seeds its steps used (sample 0's).
    seed: r.stepSeeds ? fillStepSeeds(r.stepSeeds, result.outputs[0]?.seed ?? 0) : (result.outputs[0]?.seed ?? r.seed),
    seeds: result.outputs.map((o) => o.seed),
    samples: r.samples,
    overlap_width: r.overlap,
    reverse: r.reverse,
    output_format: r.outputFormat,
    as_video: r.outputFormat === 'png' ? 'no' : 'yes',
    engine: result.engine,
    preset: r.preset,
    ...creativeMeta(result),
  };
}

/**
 * The effective creative fields: the speed as frames per step (`num_interpolation_steps` above,
 * whichever way it was given), holds in seconds and frames, fades, loop, and the encoded size.
 * Audio and watermark are reported as present with their settings, never their source (a URL, a
 * path or megabytes of data URI).
 */
function creativeMeta(result: RenderResult): Record<string, unknown> {
  const r = result.request;
  const p = result.plan;
  return {
    easing: r.easing,
    hold_start_s: r.holdStart,
    hold_end_s: r.holdEnd,
    hold_start_frames: p.holdStartFrames,
    hold_end_frames: p.holdEndFrames,
    fade_in_s: r.fadeIn,
    fade_out_s: r.fadeOut,
    loop: r.loop,
    output_scale: r.outputScale,
    output_width: r.width * r.outputScale,
    output_height: r.height * r.outputScale,
    audio: r.audio !== null,
    ...(r.audio ? { audio_volume: r.audio.volume, audio_fade_out_s: r.audio.fadeOut } : {}),
    watermark: r.watermark !== null,
    ...(r.watermark ? { watermark_position: r.watermark.position, watermark_scale: r.watermark.scale, watermark_opacity: r.watermark.opacity } : {}),
  };
}
