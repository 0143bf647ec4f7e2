// Labelled controls: every input has a <label>, its limits as a hint, and the server's message
// for its field right under it (aria-describedby, aria-invalid), so a 422 reads where it belongs.
import type { ComponentChildren } from 'preact';

interface Common {
  readonly id: string;
  readonly label: string;
  readonly hint?: string | undefined;
  readonly error?: string | undefined;
}

/** The hint and error lines under a control, and the aria attributes that point at them. */
function describe(id: string, hint?: string, error?: string): { attrs: Record<string, string | boolean>; lines: ComponentChildren } {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    attrs: { ...(ids ? { 'aria-describedby': ids } : {}), ...(error ? { 'aria-invalid': true } : {}) },
    lines: (
      <>
        {hint ? <span class="hint" id={`${id}-hint`}>{hint}</span> : null}
        {error ? <span class="field-error" id={`${id}-error`} role="alert">{error}</span> : null}
      </>
    ),
  };
}

/** A number input that reports only parseable values, so clearing it while typing keeps the last one. */
export function NumberField(p: Common & { value: number | null; min?: number; max?: number; step?: number | 'any'; placeholder?: string; onChange: (n: number | null) => void; nullable?: boolean; disabled?: boolean }) {
  const d = describe(p.id, p.hint, p.error);
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        name={p.id}
        type="number"
        inputMode="decimal"
        value={p.value ?? ''}
        min={p.min}
        max={p.max}
        step={p.step ?? 1}
        placeholder={p.placeholder}
        disabled={p.disabled}
        {...d.attrs}
        onInput={(e) => {
          const el = e.currentTarget;
          if (el.value === '' && p.nullable) p.onChange(null);
          else if (!Number.isNaN(el.valueAsNumber)) p.onChange(el.valueAsNumber);
        }}
      />
      {d.lines}
    </div>
  );
}

/** A one-line or multi-line text input. */
export function TextField(p: Common & { value: string; onChange: (s: string) => void; multiline?: boolean; placeholder?: string }) {
  const d = describe(p.id, p.hint, p.error);
  const input = (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => p.onChange(e.currentTarget.value);
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      {p.multiline ? (
        <textarea id={p.id} name={p.id} rows={2} value={p.value} placeholder={p.placeholder} {...d.attrs} onInput={input} />
      ) : (
        <input id={p.id} name={p.id} type="text" value={p.value} placeholder={p.placeholder} {...d.attrs} onInput={input} />
      )}
      {d.lines}
    </div>
  );
}

/** A select over `options` ([value, text] pairs). */
export function SelectField(p: Common & { value: string; options: readonly (readonly [string, string])[]; onChange: (s: string) => void }) {
  const d = describe(p.id, p.hint, p.error);
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <select id={p.id} name={p.id} value={p.value} {...d.attrs} onChange={(e) => p.onChange(e.currentTarget.value)}>
        {p.options.map(([v, t]) => (
          <option key={v} value={v}>{t}</option>
        ))}
      </select>
      {d.lines}
    </div>
  );
}

/** A checkbox with its hint and the server's message for its field under it. */
export function CheckField(p: Common & { checked: boolean; disabled?: boolean; onChange: (on: boolean) => void }) {
  const d = describe(p.id, p.hint, p.error);
  return (
    <div class="field">
      <div class="check">
        <input id={p.id} name={p.id} type="checkbox" checked={p.checked} disabled={p.disabled} {...d.attrs} onChange={(e) => p.onChange(e.currentTarget.checked)} />
        <label for={p.id}>{p.label}</label>
      </div>
      {d.lines}
    </div>
  );
}
