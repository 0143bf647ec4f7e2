// The studio's pure modules against the server's own: every body the page builds validates,
// loading a body back gives the same form, and the estimate counts frames as the planner does.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/request/limits.js';
import { listPresets } from '../../src/presets/shipped.js';
import { validateWalkRequest } from '../../src/request/validate.js';
import { planWalk } from '../../src/walk/plan.js';
import { estimate, estimateForm, formatDuration } from '../../src/studio/estimate.js';
import { controlFor, placeErrors } from '../../src/studio/field-errors.js';
import { CREATIVE_DEFAULTS, defaultForm, deleteStep, duplicateStep, framesPerStep, insertStep, loopBlocker, moveStep, repeatWalk, step, type StudioForm } from '../../src/studio/form.js';
import { curlCommand, fromRequestBody, requestBase, toRequestBody, withPreset } from '../../src/studio/request-body.js';

const IMAGE = 'data:image/png;base64,iVBORw0KGgo=';
const form = (patch: Partial<StudioForm> = {}): StudioForm => ({ ...defaultForm(), image: IMAGE, imageName: 'x.png', ...patch });

describe('studio form → v5 body', () => {
  it('builds bodies the server validates, in px and factor mode, with per-step prompts', () => {
    const bodies = [
      toRequestBody(form()),
      toRequestBody(form({ translationMode: 'factor', translationFactor: 0.2, seed: null, engine: 'mirror', reverse: true, outputFormat: 'webm' })),
      toRequestBody(form({ prompt: 'common', steps: [{ ...step('left'), prompt: 'a beach' }, step('up'), step('backward')] })),
    ];
    for (const body of bodies) expect(() => validateWalkRequest(body)).not.toThrow();
    expect(validateWalkRequest(bodies[2]).prompts).toEqual(['a beach', 'common', 'common']);
    expect(validateWalkRequest(bodies[1]).translation.source).toBe('factor');
    expect(bodies[0]).not.toHaveProperty('key');
    expect(bodies[0]).toMatchObject({ seed: 1 });
  });

  it('sends a seed per step only when the server takes lists, the others at the default the walk\'s seed gives them', () => {
    const f = form({ seed: 100, steps: [step('left'), { ...step('up'), seed: 9 }, step('left')] });
    expect(toRequestBody(f).seed).toBe(100);
    const list = toRequestBody(f, { stepSeeds: true }).seed;
    // 100 + i × 7919 for the steps without their own (src/request/step-seeds.ts).
    expect(list).toEqual([100, 9, 100 + 2 * 7919]);
    expect(validateWalkRequest({ ...toRequestBody(f, { stepSeeds: true }) }).stepSeeds).toEqual(list);
    // Without a walk seed the others are left to the server (null).
    expect(toRequestBody({ ...f, seed: null }, { stepSeeds: true }).seed).toEqual([null, 9, null]);
    // Loading the body back puts the seeds on their steps.
    expect(fromRequestBody({ seed: [null, 9, 3] }, f).form.steps.map((s) => s.seed)).toEqual([null, 9, 3]);
  });

  it('loads its own body back into the same form', () => {
    const cases = [form(), form({ translationMode: 'factor', translationFactor: 0.25, seed: null, reverse: true, outputFormat: 'gif', negativePrompt: 'blur' }), form({ steps: [{ ...step('right'), prompt: 'p1' }, { ...step('down'), prompt: 'p2' }] })];
    for (const f of cases) {
      const back = fromRequestBody(JSON.parse(JSON.stringify(toRequestBody(f))), requestBase(defaultForm()));
      expect(back.problems).toEqual([]);
      // A body carries the image, not the name of the file it came from.
      expect({ ...back.form, imageName: f.imageName }).toEqual(f);
    }
  });

  it('reads what public clients send ("back", numbers as strings) and the server defaults for what a body lacks', () => {
    const r = fromRequestBody({ image: 'https://example.com/a.jpg', walk_type: 'back', width: '640', samples: 2 }, requestBase(form()));
    expect(r.form.steps).toEqual([step('backward')]);
    expect(r.form.width).toBe(640);
    expect(r.form.fps).toBe(120);
    expect(r.form.seed).toBeNull();
    expect(r.ignored).toEqual(['samples']);
    expect(fromRequestBody({ walk_type: ['sideways'] }, form()).problems[0]).toMatch(/walk_type/);
    expect(fromRequestBody({ output_format: 'png' }, form()).problems[0]).toMatch(/videos/);
  });

  it('applies a preset under the body as the server does, and every shipped preset fills a valid form', () => {
    const presets = listPresets();
    expect(withPreset({ preset: 'panorama', fps: 24 }, presets)).toMatchObject({ width: 1024, fps: 24 });
    for (const p of presets) {
      const filled = fromRequestBody(p.fields, form()).form;
      expect(() => validateWalkRequest(toRequestBody(filled))).not.toThrow();
      expect(filled.image).toBe(IMAGE);
    }
  });

  it('gives a curl command with exactly the body and the key from the environment', () => {
    const body = toRequestBody(form({ prompt: "it's" }));
    const cmd = curlCommand(body, 'http://127.0.0.1:7860', true);
    expect(cmd).toContain(`-H "x-key: $ZOOMWALK_API_KEY"`);
    const quoted = /-d '(.*)'$/s.exec(cmd)![1]!.replaceAll("'\\''", "'");
    expect(JSON.parse(quoted)).toEqual(body);
  });
});

const CREATIVE_KEYS = [
  'num_interpolation_steps', 'seconds_per_step', 'easing', 'hold_start_s', 'hold_end_s', 'fade_in_s', 'fade_out_s', 'loop', 'audio', 'audio_volume',
  'audio_fade_out_s', 'watermark', 'watermark_position', 'watermark_scale', 'watermark_opacity', 'output_scale', 'negative_prompt',
] as const;
const creativePart = (body: object): Record<string, unknown> => Object.fromEntries(Object.entries(body).filter(([k]) => (CREATIVE_KEYS as readonly string[]).includes(k)));
const MARK = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const backward3 = [step('backward'), step('backward'), step('backward')];

describe('studio creative fields ⇄ v5 body', () => {
  const everything = form({
    speedMode: 'seconds', secondsPerStep: 0.5, easing: 'ease-out', holdStart: 0.5, holdEnd: 1, fadeIn: 0.25, fadeOut: 0.5,
    audio: 'https://example.com/music.wav', audioVolume: 0.8, audioFadeOut: 1,
    watermark: MARK, watermarkName: 'pasted watermark', watermarkPosition: 'top-left', watermarkScale: 0.3, watermarkOpacity: 0.6, outputScale: 2,
    negativePrompt: 'blur', steps: [{ ...step('left'), negativePrompt: 'people' }, step('up'), { ...step('backward'), negativePrompt: 'text' }],
  });
  const looped = form({ steps: backward3, loop: true, interpolation: 12, watermark: 'https://example.com/logo.png', watermarkName: 'https://example.com/logo.png', watermarkPosition: 'center' });

  it('sends every creative field the form sets, exactly, and the server reads them back as set', () => {
    expect(creativePart(toRequestBody(everything))).toEqual({
      seconds_per_step: 0.5, easing: 'ease-out', hold_start_s: 0.5, hold_end_s: 1, fade_in_s: 0.25, fade_out_s: 0.5,
      audio: 'https://example.com/music.wav', audio_volume: 0.8, audio_fade_out_s: 1,
      watermark: MARK, watermark_position: 'top-left', watermark_scale: 0.3, watermark_opacity: 0.6, output_scale: 2,
      negative_prompt: ['people', 'blur', 'text'],
    });
    const r = validateWalkRequest(toRequestBody(everything));
    expect(r).toMatchObject({ interpolationSteps: 15, easing: 'ease-out', holdStart: 0.5, holdEnd: 1, fadeIn: 0.25, fadeOut: 0.5, loop: false, outputScale: 2 });
    expect(r.audio).toEqual({ source: 'https://example.com/music.wav', volume: 0.8, fadeOut: 1 });
    expect(r.watermark).toEqual({ source: MARK, position: 'top-left', scale: 0.3, opacity: 0.6 });
    expect(r.negativePrompts).toEqual(['people', 'blur', 'text']);
    const l = validateWalkRequest(toRequestBody(looped));
    expect(l).toMatchObject({ loop: true, interpolationSteps: 12, watermark: { source: 'https://example.com/logo.png', position: 'center', scale: 0.2, opacity: 1 } });
    // At the defaults nothing creative is sent but the frames per step.
    expect(creativePart(toRequestBody(form()))).toEqual({ num_interpolation_steps: 30 });
  });

  it('loads its own body back into the same form, every creative field included', () => {
    const load = (f: StudioForm) => fromRequestBody(JSON.parse(JSON.stringify(toRequestBody(f))), requestBase(defaultForm()));
    for (const f of [looped, form({ audio: 'https://example.com/a.ogg', outputFormat: 'webm', fadeOut: 2, outputScale: 3, width: 256, height: 256 })]) {
      const back = load(f);
      expect(back.problems).toEqual([]);
      expect({ ...back.form, imageName: f.imageName }).toEqual(f);
    }
    // Per-step negative prompts come back with the common one written into each step, and seconds
    // mode does not carry the frames-per-step box: the same body, and every creative field as set.
    const back = load(everything);
    expect(back.problems).toEqual([]);
    expect(toRequestBody(back.form)).toEqual(toRequestBody(everything));
    for (const k of Object.keys(CREATIVE_DEFAULTS) as (keyof typeof CREATIVE_DEFAULTS)[]) expect(back.form[k], k).toEqual(everything[k]);
    expect(back.form.steps.map((s) => s.negativePrompt)).toEqual(['people', 'blur', 'text']);
  });

  it('keeps frames per step and seconds per step apart: one is sent, both in a pasted body is refused, a preset gives way to the body\'s own', () => {
    expect(toRequestBody(form({ speedMode: 'seconds', secondsPerStep: 2 }))).not.toHaveProperty('num_interpolation_steps');
    expect(toRequestBody(form({ speedMode: 'frames', secondsPerStep: 2 }))).not.toHaveProperty('seconds_per_step');
    expect(fromRequestBody({ seconds_per_step: 1, num_interpolation_steps: 5 }, form()).problems).toEqual(['seconds_per_step: give seconds_per_step or num_interpolation_steps, not both']);
    const presets = listPresets();
    const timed = presets.find((p) => p.fields['num_interpolation_steps'] !== undefined)!;
    const merged = withPreset({ preset: timed.name, seconds_per_step: 0.75 }, presets) as Record<string, unknown>;
    expect(merged).not.toHaveProperty('num_interpolation_steps');
    expect(fromRequestBody(merged, form()).form).toMatchObject({ speedMode: 'seconds', secondsPerStep: 0.75 });
    expect(fromRequestBody({ easing: 'bouncy' }, form()).problems[0]).toMatch(/^easing: must be one of linear, ease-in/);
    expect(fromRequestBody({ watermark_position: 'middle' }, form()).problems[0]).toMatch(/^watermark_position/);
  });

  it('sends loop as set even where it cannot loop (the server says why), and says why before sending', () => {
    const f = form({ steps: [step('backward'), step('left'), step('backward')], loop: true });
    expect(toRequestBody(f).loop).toBe(true);
    expect(loopBlocker(f)).toBe('a loop needs backward steps only; step 2 is left');
    expect(loopBlocker(form({ steps: backward3, easing: 'ease-in' }))).toBe('a loop needs linear easing');
    expect(loopBlocker(form({ steps: backward3, holdEnd: 1 }))).toMatch(/no holds or fades/);
    expect(loopBlocker(form({ steps: backward3 }))).toBeNull();
    expect(() => validateWalkRequest(toRequestBody(f))).toThrow(/loop: a seamless loop needs a walk of backward steps only/);
  });

  it('maps a pasted prompt schedule to per-step prompts that render as the schedule would', () => {
    const body = {
      walk_type: ['back', 'back', 'back', 'back', 'back', 'back'],
      prompt: { '0': 'a forest', '4': 'the sea' },
      negative_prompt: { '2': 'blur' },
    };
    const loaded = fromRequestBody(body, requestBase(form()));
    expect(loaded.problems).toEqual([]);
    expect(loaded.form.prompt).toBe('');
    expect(loaded.form.steps.map((s) => s.prompt)).toEqual(['a forest', 'a forest', 'a forest', 'a forest', 'the sea', 'the sea']);
    expect(loaded.form.steps.map((s) => s.negativePrompt)).toEqual(['', '', 'blur', 'blur', 'blur', 'blur']);
    const asSchedule = validateWalkRequest({ ...body, image: IMAGE });
    const asSent = validateWalkRequest(toRequestBody(loaded.form));
    expect(asSent.prompts).toEqual(asSchedule.prompts);
    expect(asSent.negativePrompts).toEqual(asSchedule.negativePrompts);
    // A key the server would refuse is refused with the server's words.
    expect(fromRequestBody({ ...body, prompt: { '6': 'x' } }, form()).problems).toEqual(['prompt.6: key "6" is not a step index: keys are integers from 0 to 5 (the walk has 6 steps)']);
    // Lists of negative prompts load per step too; a string is the common one.
    expect(fromRequestBody({ walk_type: ['left', 'up'], negative_prompt: ['a', 'b'] }, form()).form.steps.map((s) => s.negativePrompt)).toEqual(['a', 'b']);
    expect(fromRequestBody({ negative_prompt: 'fog' }, form()).form.negativePrompt).toBe('fog');
  });

  it('opens a finished job from its meta: effective creative fields in, no audio or watermark source to load', () => {
    const meta = { walk_type: ['backward', 'backward'], num_interpolation_steps: 15, easing: 'ease-in', hold_start_s: 1, loop: false, output_scale: 2, audio: true, audio_volume: 0.5, watermark: false };
    const f = fromRequestBody(meta, form({ audio: 'https://example.com/old.wav', watermark: MARK, watermarkName: 'x.png' })).form;
    // The form's old audio is not another job's: cleared, to be given again.
    expect(f).toMatchObject({ speedMode: 'frames', interpolation: 15, easing: 'ease-in', holdStart: 1, outputScale: 2, audio: '', audioVolume: 0.5, watermark: '', watermarkName: '' });
    expect(fromRequestBody({ audio: 'https://example.com/new.wav' }, form()).form.audio).toBe('https://example.com/new.wav');
  });

  it('puts a creative field\'s message next to its control', () => {
    for (const field of ['loop', 'easing', 'audio', 'watermark', 'seconds_per_step', 'output_scale', 'fade_in_s']) expect(controlFor(field)).toBe(field);
    expect(controlFor('negative_prompt[1]')).toBe('step-1-negative');
    expect(controlFor('prompt.6')).toBeNull();
  });
});

describe('studio walk editing', () => {
  const s = [step('left'), step('up'), step('backward')];
  it('inserts, deletes, duplicates, moves and repeats steps', () => {
    expect(insertStep(s, 1, step('down')).map((x) => x.direction)).toEqual(['left', 'down', 'up', 'backward']);
    expect(deleteStep(s, 0).map((x) => x.direction)).toEqual(['up', 'backward']);
    expect(duplicateStep(s, 1).map((x) => x.direction)).toEqual(['left', 'up', 'up', 'backward']);
    expect(moveStep(s, 2, -1).map((x) => x.direction)).toEqual(['left', 'backward', 'up']);
    expect(moveStep(s, 0, -1)).toEqual(s);
    expect(repeatWalk(s.slice(0, 2), 3, LIMITS.maxWalkSteps).map((x) => x.direction)).toEqual(['left', 'up', 'left', 'up', 'left', 'up']);
    expect(repeatWalk(s, 100, LIMITS.maxWalkSteps)).toHaveLength(LIMITS.maxWalkSteps);
  });
});

describe('studio estimate', () => {
  const plain = { fps: 30, width: 512, height: 512, easing: 'linear', loop: false, holdStart: 0, holdEnd: 0, outputScale: 1 } as const;
  it('counts frames and keyframes as the planner does', () => {
    for (const [walk, n] of [[['backward', 'left', 'up'], 10], [['right'], 60], [['backward', 'backward'], 1]] as const) {
      const req = validateWalkRequest({ image: IMAGE, walk_type: walk, num_interpolation_steps: n, width: 256, height: 256 });
      const e = estimate({ ...plain, walk, framesPerStep: n, width: 256, height: 256 }, 'mirror');
      expect(e.frames).toBe(planWalk(req).totalFrames);
      expect(e.keyframes).toBe(walk.length);
      expect(e.seconds).toBeCloseTo(e.frames / 30);
    }
    expect(estimate({ ...plain, walk: ['left'], framesPerStep: 10 }, 'unknown-engine').renderSeconds).toBeNull();
    expect(estimate({ ...plain, walk: ['backward'], framesPerStep: 10 }, 'classical').renderSeconds!).toBeGreaterThan(estimate({ ...plain, walk: ['left'], framesPerStep: 10 }, 'classical').renderSeconds!);
  });

  it('counts holds, seconds_per_step and a loop\'s frames as the server does, for the form as sent', () => {
    const backward = [step('backward'), step('backward'), step('backward')];
    const cases: Partial<StudioForm>[] = [
      { steps: backward, easing: 'ease-in-out', holdStart: 0.5, holdEnd: 0.25, fadeIn: 0.2, fadeOut: 0.3 },
      { steps: backward, loop: true, interpolation: 12 },
      { speedMode: 'seconds', secondsPerStep: 0.35, fps: 24, holdEnd: 1.01 },
      { speedMode: 'seconds', secondsPerStep: 2, fps: 25, steps: backward, loop: true },
      { outputScale: 2, holdStart: 0.07, fps: 15 },
    ];
    for (const patch of cases) {
      const f = form(patch);
      const plan = planWalk(validateWalkRequest(toRequestBody(f)));
      const e = estimateForm(f, 'mirror');
      expect(e.frames).toBe(plan.totalFrames);
      expect(framesPerStep(f)).toBe(plan.interpolationSteps);
      expect(e.seconds).toBeCloseTo(plan.totalFrames / f.fps);
    }
    // A loop drops the frame that would repeat frame 0: 3 steps × 12 frames.
    expect(estimateForm(form(cases[1]), 'mirror').frames).toBe(36);
    // 0.35 s × 24 fps = 8.4 → 8 frames per step; a 1.01 s hold is round(24.24) = 24 frames.
    expect(estimateForm(form(cases[2]), 'mirror').frames).toBe(1 + 3 * 8 + 24);
    expect(estimateForm(form(cases[4]), 'mirror')).toMatchObject({ outputWidth: 1024, outputHeight: 1024 });
  });

  it('formats durations for people', () => {
    expect([0.01, 1.03, 12.4, 65, 3725].map(formatDuration)).toEqual(['under 0.1 s', '1.0 s', '12 s', '1 min 05 s', '1 h 02 min']);
  });
});

describe('studio field errors', () => {
  it('puts each server field next to its control and the rest on top', () => {
    expect(controlFor('width')).toBe('width');
    expect(controlFor('walk_type[2]')).toBe('step-2-direction');
    expect(controlFor('prompt[0]')).toBe('step-0-prompt');
    expect(controlFor('webhook')).toBeNull();
    expect(placeErrors([{ field: 'width', message: 'too big' }, { field: 'webhook', message: 'bad' }], 'x')).toEqual({ byField: { width: 'too big' }, general: ['webhook: bad'] });
    expect(placeErrors([], 'engine: "bfl" is not enabled')).toEqual({ byField: { engine: '"bfl" is not enabled' }, general: [] });
    expect(placeErrors([], 'something else')).toEqual({ byField: {}, general: ['something else'] });
  });
});
