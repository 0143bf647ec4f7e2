// Size, timing, motion, seed, engine and output of the walk, each with the limits the server
// enforces (src/request/limits.ts) shown under it.
import { DEFAULTS, LIMITS } from '../request/limits.js';
import type { PresetInfo } from './api.js';
import { NumberField, SelectField, TextField } from './field.js';
import { framesPerStep, type StudioForm } from './form.js';

interface Props {
  readonly form: StudioForm;
  readonly errors: Readonly<Record<string, string>>;
  readonly engines: readonly string[];
  readonly defaultEngine: string | null;
  readonly presets: readonly PresetInfo[];
  readonly onChange: (patch: Partial<StudioForm>) => void;
  readonly onPreset: (preset: PresetInfo) => void;
}

const side = `${LIMITS.minSide}–${LIMITS.maxSide} px, even`;

/** The settings section of the form. */
export function SettingsPanel(p: Props) {
  const f = p.form;
  const e = p.errors;
  const set = p.onChange;
  const backward = f.steps.some((s) => s.direction === 'backward');
  const pxLimit = (sideLength: number) => `1–${backward ? Math.ceil(sideLength / 2) - 1 : sideLength - 1} px${backward ? ' (below half the side for backward steps)' : ''}`;
  return (
    <>
      <fieldset>
        <legend>Prompt</legend>
        <TextField id="prompt" label="Prompt (every step without its own)" multiline value={f.prompt} error={e['prompt']} onChange={(prompt) => set({ prompt })} placeholder="what the new borders show" />
        <TextField id="negative_prompt" label="Negative prompt" value={f.negativePrompt} error={e['negative_prompt']} onChange={(negativePrompt) => set({ negativePrompt })} />
      </fieldset>
      <fieldset class="grid">
        <legend>Video</legend>
        <SelectField
          id="preset"
          label="Preset"
          value=""
          hint={p.presets.length > 0 ? 'fills the form; your image and prompt stay' : undefined}
          options={[['', 'choose a preset…'], ...p.presets.map((x) => [x.name, `${x.name} — ${x.description}`] as const)]}
          onChange={(name) => {
            const preset = p.presets.find((x) => x.name === name);
            if (preset) p.onPreset(preset);
          }}
        />
        <NumberField id="width" label="Width" value={f.width} min={LIMITS.minSide} max={LIMITS.maxSide} step={2} hint={side} error={e['width']} onChange={(n) => n !== null && set({ width: n })} />
        <NumberField id="height" label="Height" value={f.height} min={LIMITS.minSide} max={LIMITS.maxSide} step={2} hint={side} error={e['height']} onChange={(n) => n !== null && set({ height: n })} />
        <NumberField id="fps" label="Frames per second" value={f.fps} min={LIMITS.minFps} max={LIMITS.maxFps} hint={`${LIMITS.minFps}–${LIMITS.maxFps}`} error={e['fps']} onChange={(n) => n !== null && set({ fps: n })} />
        <div class="field radios" role="radiogroup" aria-label="Speed given as">
          <label><input type="radio" name="speed-mode" checked={f.speedMode === 'frames'} onChange={() => set({ speedMode: 'frames' })} /> frames per step</label>
          <label><input type="radio" name="speed-mode" checked={f.speedMode === 'seconds'} onChange={() => set({ speedMode: 'seconds' })} /> seconds per step</label>
        </div>
        {f.speedMode === 'frames' ? (
          <NumberField id="num_interpolation_steps" label="Frames per step" value={f.interpolation} min={1} max={LIMITS.maxInterpolationSteps} hint={`1–${LIMITS.maxInterpolationSteps}: in-between frames, sets the speed`} error={e['num_interpolation_steps']} onChange={(n) => n !== null && set({ interpolation: n })} />
        ) : (
          <NumberField id="seconds_per_step" label="Seconds per step" value={f.secondsPerStep} min={0.01} step="any" hint={`above 0; ${framesPerStep(f)} frames per step at ${f.fps} fps (round(fps × s) must be 1–${LIMITS.maxInterpolationSteps})`} error={e['seconds_per_step']} onChange={(n) => n !== null && set({ secondsPerStep: n })} />
        )}
      </fieldset>
      <fieldset class="grid">
        <legend>Movement per step</legend>
        <div class="field radios" role="radiogroup" aria-label="Movement given as">
          <label><input type="radio" name="translation-mode" checked={f.translationMode === 'px'} onChange={() => set({ translationMode: 'px' })} /> pixels</label>
          <label><input type="radio" name="translation-mode" checked={f.translationMode === 'factor'} onChange={() => set({ translationMode: 'factor' })} /> fraction of the size</label>
        </div>
        {f.translationMode === 'px' ? (
          <>
            <NumberField id="width_translation_per_step" label="Horizontal (px)" value={f.translationX} min={1} max={LIMITS.maxSide} hint={pxLimit(f.width)} error={e['width_translation_per_step']} onChange={(n) => n !== null && set({ translationX: n })} />
            <NumberField id="height_translation_per_step" label="Vertical (px)" value={f.translationY} min={1} max={LIMITS.maxSide} hint={pxLimit(f.height)} error={e['height_translation_per_step']} onChange={(n) => n !== null && set({ translationY: n })} />
          </>
        ) : (
          <NumberField id="translation_factor" label="Fraction" value={f.translationFactor} min={0.01} max={0.99} step={0.01} hint={`between 0 and 1 (exclusive)${backward ? '; below 0.5 for backward steps' : ''}`} error={e['translation_factor']} onChange={(n) => n !== null && set({ translationFactor: n })} />
        )}
      </fieldset>
      <fieldset class="grid">
        <legend>Render</legend>
        <NumberField id="seed" label="Seed" value={f.seed} nullable min={0} max={0xffffffff} placeholder="random" hint="0–4294967295; empty: random (reported)" error={e['seed']} onChange={(seed) => set({ seed })} />
        <SelectField
          id="engine"
          label="Engine"
          value={f.engine}
          error={e['engine']}
          options={[['', `server default${p.defaultEngine ? ` (${p.defaultEngine})` : ''}`], ...p.engines.filter((x) => x !== p.defaultEngine).map((x) => [x, x] as const)]}
          onChange={(engine) => set({ engine })}
        />
        <SelectField id="output_format" label="Format" value={f.outputFormat} error={e['output_format']} options={[['mp4', 'mp4 (H.264)'], ['webm', 'webm (VP9)'], ['gif', 'gif']]} onChange={(v) => set({ outputFormat: v as StudioForm['outputFormat'] })} />
        <div class="field check">
          <input id="reverse" type="checkbox" checked={f.reverse} onChange={(ev) => set({ reverse: ev.currentTarget.checked })} />
          <label for="reverse">Play backwards (a zoom-in)</label>
        </div>
      </fieldset>
      <details class="advanced" open={e['num_inference_steps'] || e['guidance_scale'] ? true : undefined}>
        <summary>Engine effort</summary>
        <div class="grid">
          <NumberField id="num_inference_steps" label="Inference steps" value={f.inferenceSteps} min={LIMITS.minInferenceSteps} max={LIMITS.maxInferenceSteps} hint={`${LIMITS.minInferenceSteps}–${LIMITS.maxInferenceSteps}, default ${DEFAULTS.numInferenceSteps}`} error={e['num_inference_steps']} onChange={(n) => n !== null && set({ inferenceSteps: n })} />
          <NumberField id="guidance_scale" label="Guidance scale" value={f.guidance} min={LIMITS.minGuidance} max={LIMITS.maxGuidance} step="any" hint={`${LIMITS.minGuidance}–${LIMITS.maxGuidance}, default ${DEFAULTS.guidanceScale}`} error={e['guidance_scale']} onChange={(n) => n !== null && set({ guidance: n })} />
        </div>
      </details>
    </>
  );
}
