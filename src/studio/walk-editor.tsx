// The walk: one row per step (direction, prompt, negative prompt, seed), with insert, duplicate, move and delete
// buttons and Alt+↑/↓ to move the focused step; "add ×N" appends a run of one direction.
import { useRef, useState } from 'preact/hooks';
import { LIMITS, WALK_TYPES, type WalkType } from '../request/limits.js';
import { Icon } from './icons.js';
import { deleteStep, duplicateStep, insertStep, moveStep, repeatWalk, step, type Step } from './form.js';

interface Props {
  readonly steps: readonly Step[];
  readonly stepSeeds: boolean;
  /** Server messages by field (`walk_type`, `walk_type[2]`, `prompt[2]`, …). */
  readonly errors: Readonly<Record<string, string>>;
  readonly onChange: (steps: Step[]) => void;
}


/** The walk editor. */
export function WalkEditor(p: Props) {
  const list = useRef<HTMLOListElement>(null);
  const [addDirection, setAddDirection] = useState<WalkType>('backward');
  const [addCount, setAddCount] = useState(1);
  const focusRow = (i: number) => requestAnimationFrame(() => list.current?.querySelectorAll<HTMLSelectElement>('select')[i]?.focus());
  const set = (i: number, s: Partial<Step>) => p.onChange(p.steps.map((x, k) => (k === i ? { ...x, ...s } : x)));
  const move = (i: number, by: number) => {
    p.onChange(moveStep(p.steps, i, by));
    focusRow(Math.max(0, Math.min(p.steps.length - 1, i + by)));
  };
  const full = p.steps.length >= LIMITS.maxWalkSteps;

  return (
    <fieldset class="walk">
      <legend>Walk ({p.steps.length} {p.steps.length === 1 ? 'step' : 'steps'})</legend>
      <p class="hint" id="walk-help">Each step outpaints one new keyframe. Alt+↑/↓ moves the focused step.</p>
      {p.errors['walk_type'] ? <p class="field-error" id="walk_type-error" role="alert">{p.errors['walk_type']}</p> : null}
      {p.errors['prompt'] ? <p class="field-error" id="prompt-list-error" role="alert">{p.errors['prompt']}</p> : null}
      <ol class="steps" ref={list} aria-describedby="walk-help">
        {p.steps.map((s, i) => {
          const n = i + 1;
          const err = p.errors[`walk_type[${i}]`];
          const promptErr = p.errors[`prompt[${i}]`];
          const negativeErr = p.errors[`negative_prompt[${i}]`];
          return (
            <li
              key={i}
              class="step"
              onKeyDown={(e) => {
                if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
                e.preventDefault();
                move(i, e.key === 'ArrowUp' ? -1 : 1);
              }}
            >
              <span class="step-number" aria-hidden="true">{n}</span>
              <label class="visually-hidden" for={`step-${i}-direction`}>Step {n} direction</label>
              <select id={`step-${i}-direction`} value={s.direction} aria-invalid={err ? true : undefined} aria-describedby={err ? `step-${i}-error` : undefined} onChange={(e) => set(i, { direction: e.currentTarget.value as WalkType })}>
                {WALK_TYPES.map((d) => (
                  <option key={d} value={d}>{d}</option>
                ))}
              </select>
              <label class="visually-hidden" for={`step-${i}-prompt`}>Step {n} prompt</label>
              <input id={`step-${i}-prompt`} class="step-prompt" type="text" value={s.prompt} placeholder="common prompt" onInput={(e) => set(i, { prompt: e.currentTarget.value })} />
              <label class="visually-hidden" for={`step-${i}-negative`}>Step {n} negative prompt</label>
              <input id={`step-${i}-negative`} class="step-prompt step-negative" type="text" value={s.negativePrompt} placeholder="common negative" aria-invalid={negativeErr ? true : undefined} onInput={(e) => set(i, { negativePrompt: e.currentTarget.value })} />
              {p.stepSeeds ? (
                <>
                  <label class="visually-hidden" for={`step-${i}-seed`}>Step {n} seed</label>
                  <input id={`step-${i}-seed`} class="step-seed" type="number" min={0} value={s.seed ?? ''} placeholder="seed" onInput={(e) => set(i, { seed: e.currentTarget.value === '' ? null : e.currentTarget.valueAsNumber })} />
                </>
              ) : null}
              <span class="step-actions">
                <button type="button" aria-label={`Move step ${n} up`} title="Move up (Alt+↑)" disabled={i === 0} onClick={() => move(i, -1)}><Icon name="up" /></button>
                <button type="button" aria-label={`Move step ${n} down`} title="Move down (Alt+↓)" disabled={i === p.steps.length - 1} onClick={() => move(i, 1)}><Icon name="down" /></button>
                <button type="button" aria-label={`Duplicate step ${n}`} title="Duplicate" disabled={full} onClick={() => p.onChange(duplicateStep(p.steps, i))}><Icon name="duplicate" /></button>
                <button type="button" aria-label={`Insert a step after step ${n}`} title="Insert after" disabled={full} onClick={() => { p.onChange(insertStep(p.steps, i + 1, step(s.direction))); focusRow(i + 1); }}><Icon name="insert" /></button>
                <button type="button" aria-label={`Delete step ${n}`} title="Delete" disabled={p.steps.length === 1} onClick={() => { p.onChange(deleteStep(p.steps, i)); focusRow(Math.max(0, i - 1)); }}><Icon name="remove" /></button>
              </span>
              {err ? <span class="field-error" id={`step-${i}-error`}>{err}</span> : null}
              {promptErr ? <span class="field-error">{promptErr}</span> : null}
              {negativeErr ? <span class="field-error">{negativeErr}</span> : null}
            </li>
          );
        })}
      </ol>
      <div class="inline add-steps">
        <div class="field">
          <label for="add-direction">Add</label>
          <select id="add-direction" value={addDirection} onChange={(e) => setAddDirection(e.currentTarget.value as WalkType)}>
            {WALK_TYPES.map((d) => (
              <option key={d} value={d}>{d}</option>
            ))}
          </select>
        </div>
        <div class="field narrow">
          <label for="add-count">× times</label>
          <input id="add-count" type="number" min={1} max={LIMITS.maxWalkSteps} value={addCount} onInput={(e) => { const n = e.currentTarget.valueAsNumber; if (n >= 1) setAddCount(Math.floor(n)); }} />
        </div>
        <button
          type="button"
          id="add-steps"
          disabled={full}
          onClick={() => {
            const room = LIMITS.maxWalkSteps - p.steps.length;
            p.onChange([...p.steps, ...Array.from({ length: Math.min(addCount, room) }, () => step(addDirection))]);
          }}
        >
          Add {addCount > 1 ? `×${addCount}` : 'step'}
        </button>
        <button type="button" id="repeat-walk" disabled={full || addCount < 2} onClick={() => p.onChange(repeatWalk(p.steps, addCount, LIMITS.maxWalkSteps))}>
          Repeat walk ×{addCount}
        </button>
        <span class="hint">at most {LIMITS.maxWalkSteps} steps</span>
      </div>
    </fieldset>
  );
}
