// The studio's pure modules against the server's own: every body the page builds validates,
// loading a body back gives the same form, and the estimate counts frames as the planner does.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/request/limits.js';
import { listPresets } from '../../src/presets/shipped.js';
import { validateWalkRequest } from '../../src/request/validate.js';
import { planWalk } from '../../src/walk/plan.js';
import { estimate, formatDuration } from '../../src/studio/estimate.js';
import { controlFor, placeErrors } from '../../src/studio/field-errors.js';
import { defaultForm, deleteStep, duplicateStep, insertStep, moveStep, repeatWalk, step, type StudioForm } from '../../src/studio/form.js';
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
  it('counts frames and keyframes as the planner does', () => {
    for (const [walk, n] of [[['backward', 'left', 'up'], 10], [['right'], 60], [['backward', 'backward'], 1]] as const) {
      const req = validateWalkRequest({ image: IMAGE, walk_type: walk, num_interpolation_steps: n, width: 256, height: 256 });
      const e = estimate(walk, n, 30, 256, 256, 'mirror');
      expect(e.frames).toBe(planWalk(req).totalFrames);
      expect(e.keyframes).toBe(walk.length);
      expect(e.seconds).toBeCloseTo(e.frames / 30);
    }
    expect(estimate(['left'], 10, 30, 512, 512, 'unknown-engine').renderSeconds).toBeNull();
    expect(estimate(['backward'], 10, 30, 512, 512, 'classical').renderSeconds!).toBeGreaterThan(estimate(['left'], 10, 30, 512, 512, 'classical').renderSeconds!);
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
