// The live estimate under the form: what the walk will produce and roughly how long it takes.
import { estimateForm, formatDuration } from './estimate.js';
import { framesPerStep, type StudioForm } from './form.js';

/** One line that follows every edit of the form. */
export function EstimateView(p: { form: StudioForm; engine: string }) {
  const f = p.form;
  const e = estimateForm(f, p.engine);
  return (
    <p class="estimate" id="estimate">
      <strong>{e.frames}</strong> frames · <strong>{formatDuration(e.seconds)}</strong> at {f.fps} fps · <strong>{e.keyframes}</strong> keyframes · {e.outputWidth} × {e.outputHeight} px
      {f.speedMode === 'seconds' ? <> · {framesPerStep(f)} frames per step</> : null}
      {e.renderSeconds !== null ? <> · about <strong>{formatDuration(e.renderSeconds)}</strong> to render with {p.engine}</> : p.engine ? <> · render time depends on the {p.engine} service</> : null}
    </p>
  );
}
