// Asks for the API key once; it is kept in sessionStorage for this browser session and sent only
// in the x-key header (never in a URL).
import { useState } from 'preact/hooks';

/** The key form shown when the server requires a key and none is set. */
export function KeyPrompt(p: { onKey: (key: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="key-prompt inline"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) p.onKey(value.trim());
      }}
    >
      <div class="field grow">
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={value} aria-describedby="api-key-hint" onInput={(e) => setValue(e.currentTarget.value)} />
        <span class="hint" id="api-key-hint">This server needs a key. It is kept only for this browser session.</span>
      </div>
      <button type="submit">Use key</button>
    </form>
  );
}
