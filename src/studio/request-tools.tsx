// "Copy as request JSON", "copy as curl", and a box to paste a request into the form.
import { useState } from 'preact/hooks';

interface Props {
  /** The exact JSON text and curl command of the body the page would send now. */
  readonly json: () => string;
  readonly curl: () => string;
  readonly onLoad: (text: string) => string | null;
}

/** The request tools section. */
export function RequestTools(p: Props) {
  const [shown, setShown] = useState<{ label: string; text: string } | null>(null);
  const [note, setNote] = useState('');
  const [pasted, setPasted] = useState('');
  const copy = async (label: string, text: string) => {
    setShown({ label, text });
    try {
      await navigator.clipboard.writeText(text);
      setNote(`${label} copied to the clipboard.`);
    } catch {
      setNote(`${label} is below: select it and copy.`);
    }
  };
  return (
    <details class="request-tools">
      <summary>Request JSON</summary>
      <div class="inline">
        <button type="button" id="copy-json" onClick={() => void copy('Request JSON', p.json())}>Copy as request JSON</button>
        <button type="button" id="copy-curl" onClick={() => void copy('curl command', p.curl())}>Copy as curl</button>
      </div>
      <p class="hint" role="status">{note}</p>
      {shown ? (
        <div class="field">
          <label for="request-text">{shown.label}</label>
          <textarea id="request-text" readOnly rows={5} value={shown.text} />
        </div>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const problem = p.onLoad(pasted);
          setNote(problem ?? 'Request loaded into the form.');
          if (!problem) setPasted('');
        }}
      >
        <div class="field">
          <label for="paste-request">Paste a request JSON to load it</label>
          <textarea id="paste-request" rows={3} value={pasted} placeholder='{"walk_type": ["backward", "left"], …}' onInput={(e) => setPasted(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={pasted.trim() === ''}>Load request</button>
      </form>
    </details>
  );
}
