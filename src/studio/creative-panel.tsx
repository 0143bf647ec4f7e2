// Motion and effects (easing, holds, fades, loop, output size), audio and watermark, each with
// the limits the server enforces (src/request/limits.ts) under it. Control ids are the field names.
import { useState } from 'preact/hooks';
import { EASINGS, LIMITS, WATERMARK_POSITIONS } from '../request/limits.js';
import { CheckField, NumberField, SelectField, TextField } from './field.js';
import { loopBlocker, type StudioForm } from './form.js';
import { fileToDataUri } from './image-picker.js';

interface Props {
  readonly form: StudioForm;
  readonly errors: Readonly<Record<string, string>>;
  readonly onChange: (patch: Partial<StudioForm>) => void;
}

const seconds = `0–${LIMITS.maxEffectSeconds} s`;
const EASING_TEXT: Record<(typeof EASINGS)[number], string> = {
  linear: 'linear (constant speed)',
  'ease-in': 'ease-in (starts slow)',
  'ease-out': 'ease-out (ends slow)',
  'ease-in-out': 'ease-in-out (slow at both ends)',
};

/** The creative sections of the form. */
export function CreativePanel(p: Props) {
  const f = p.form;
  const e = p.errors;
  const set = p.onChange;
  const blocker = loopBlocker(f);
  const k = f.outputScale;
  const noSound = f.outputFormat === 'gif' ? '; gif has no sound: choose mp4 or webm' : '';
  return (
    <>
      <fieldset class="grid">
        <legend>Motion and effects</legend>
        <SelectField id="easing" label="Easing" value={f.easing} hint="over the whole walk; the frame count stays" error={e['easing']} options={EASINGS.map((x) => [x, EASING_TEXT[x]] as const)} onChange={(v) => set({ easing: v as StudioForm['easing'] })} />
        <NumberField id="hold_start_s" label="Hold first frame (s)" value={f.holdStart} min={0} max={LIMITS.maxEffectSeconds} step="any" hint={seconds} error={e['hold_start_s']} onChange={(n) => n !== null && set({ holdStart: n })} />
        <NumberField id="hold_end_s" label="Hold last frame (s)" value={f.holdEnd} min={0} max={LIMITS.maxEffectSeconds} step="any" hint={seconds} error={e['hold_end_s']} onChange={(n) => n !== null && set({ holdEnd: n })} />
        <NumberField id="fade_in_s" label="Fade in (s)" value={f.fadeIn} min={0} max={LIMITS.maxEffectSeconds} step="any" hint={`${seconds}, from black; both fades at most the video's length`} error={e['fade_in_s']} onChange={(n) => n !== null && set({ fadeIn: n })} />
        <NumberField id="fade_out_s" label="Fade out (s)" value={f.fadeOut} min={0} max={LIMITS.maxEffectSeconds} step="any" hint={`${seconds}, to black`} error={e['fade_out_s']} onChange={(n) => n !== null && set({ fadeOut: n })} />
        <NumberField id="output_scale" label="Output scale" value={k} min={1} max={LIMITS.maxOutputScale} hint={`1–${LIMITS.maxOutputScale}: video at ${f.width * k} × ${f.height * k}, engine at ${f.width} × ${f.height}; long side ≤ ${LIMITS.maxOutputSide} px`} error={e['output_scale']} onChange={(n) => n !== null && set({ outputScale: n })} />
        <CheckField
          id="loop"
          label="Seamless loop"
          checked={f.loop}
          // A loop already set stays editable, so it can be switched off; the server's message says why it is refused.
          disabled={!f.loop && blocker !== null}
          hint={blocker ?? 'the frame after the last is the first: an endless zoom-out'}
          error={e['loop']}
          onChange={(loop) => set({ loop })}
        />
      </fieldset>
      <fieldset class="grid">
        <legend>Audio</legend>
        <TextField id="audio" label="Audio URL" value={f.audio} placeholder="https://…/music.mp3" hint={`an http(s) URL the server fetches; trimmed or padded to the video; mp4 gets AAC, webm Opus${noSound}`} error={e['audio']} onChange={(audio) => set({ audio: audio.trim() })} />
        <NumberField id="audio_volume" label="Volume" value={f.audioVolume} min={0} max={LIMITS.maxAudioVolume} step={0.05} disabled={f.audio === ''} hint={`0–${LIMITS.maxAudioVolume}, 1 as recorded`} error={e['audio_volume']} onChange={(n) => n !== null && set({ audioVolume: n })} />
        <NumberField id="audio_fade_out_s" label="Audio fade-out (s)" value={f.audioFadeOut} min={0} max={LIMITS.maxEffectSeconds} step="any" disabled={f.audio === ''} hint={seconds} error={e['audio_fade_out_s']} onChange={(n) => n !== null && set({ audioFadeOut: n })} />
      </fieldset>
      <WatermarkFields form={f} errors={e} onChange={set} />
    </>
  );
}

/** The watermark: a PNG file (sent inline as a data URI) or an http(s) URL, and where and how it is drawn. */
function WatermarkFields(p: Props) {
  const f = p.form;
  const e = p.errors;
  const set = p.onChange;
  const [problem, setProblem] = useState<string | null>(null);
  const inline = f.watermark.startsWith('data:');
  const off = f.watermark === '';
  return (
    <fieldset class="grid">
      <legend>Watermark</legend>
      <div class="field">
        <label for="watermark-file">PNG file</label>
        <input
          id="watermark-file"
          type="file"
          accept="image/png"
          aria-describedby={problem ? 'watermark-file-error' : undefined}
          onChange={(ev) => {
            const file = ev.currentTarget.files?.[0];
            if (!file) return;
            void fileToDataUri(file).then((r) => {
              setProblem('problem' in r ? r.problem : null);
              if ('uri' in r) set({ watermark: r.uri, watermarkName: file.name });
            });
          }}
        />
        {problem ? <span class="field-error" id="watermark-file-error" role="alert">{problem}</span> : null}
      </div>
      <TextField
        id="watermark"
        label="or a PNG URL"
        value={inline ? '' : f.watermark}
        placeholder={inline ? f.watermarkName : 'https://…/logo.png'}
        hint={inline ? `using ${f.watermarkName}` : 'a PNG with alpha, drawn into every frame'}
        error={e['watermark']}
        onChange={(url) => set({ watermark: url.trim(), watermarkName: url.trim() })}
      />
      {off ? null : (
        <div class="field">
          <button type="button" id="watermark-remove" onClick={() => set({ watermark: '', watermarkName: '' })}>Remove watermark</button>
        </div>
      )}
      <SelectField id="watermark_position" label="Position" value={f.watermarkPosition} error={e['watermark_position']} options={WATERMARK_POSITIONS.map((x) => [x, x] as const)} onChange={(v) => set({ watermarkPosition: v as StudioForm['watermarkPosition'] })} />
      <NumberField id="watermark_scale" label="Width (fraction of the video's)" value={f.watermarkScale} min={0.01} max={LIMITS.maxWatermarkScale} step={0.01} disabled={off} hint={`above 0, at most ${LIMITS.maxWatermarkScale}`} error={e['watermark_scale']} onChange={(n) => n !== null && set({ watermarkScale: n })} />
      <NumberField id="watermark_opacity" label="Opacity" value={f.watermarkOpacity} min={0} max={1} step={0.05} disabled={off} hint="0–1" error={e['watermark_opacity']} onChange={(n) => n !== null && set({ watermarkOpacity: n })} />
    </fieldset>
  );
}
