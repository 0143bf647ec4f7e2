// The studio page: make a walk on the left, watch it and the queue on the right. State lives
// here; sections get values and callbacks. Every body sent is toRequestBody(form), the same
// text "copy as request JSON" gives.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type PresetInfo, type StudioConfig } from './api.js';
import { CreativePanel } from './creative-panel.js';
import { EstimateView } from './estimate-view.js';
import { controlFor, placeErrors } from './field-errors.js';
import type { StudioForm } from './form.js';
import { fileToDataUri, ImagePicker } from './image-picker.js';
import { JobsPanel } from './jobs-panel.js';
import { KeyPrompt } from './key-prompt.js';
import { RequestTools } from './request-tools.js';
import { curlCommand, fromRequestBody, requestBase, toRequestBody, withPreset } from './request-body.js';
import { SettingsPanel } from './settings-panel.js';
import { lastJob, loadForm, saveForm, sessionKey } from './storage.js';
import { useJob } from './use-job.js';
import { useJobs } from './use-jobs.js';
import { WalkEditor } from './walk-editor.js';
import { WatchPanel } from './watch-panel.js';

const QUEUED = 'Render queued.';
const NO_FEATURES: StudioConfig['features'] = { events: false, redo: false, step_seeds: false, delete: false };

/** The whole page. */
export function App() {
  const [form, setForm] = useState<StudioForm>(loadForm);
  const [config, setConfig] = useState<StudioConfig | null>(null);
  const [presets, setPresets] = useState<PresetInfo[]>([]);
  const [key, setKey] = useState<string | null>(sessionKey.get);
  const [askKey, setAskKey] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [notice, setNotice] = useState('');
  const [sending, setSending] = useState(false);
  const features = config?.features ?? NO_FEATURES;
  const needKey = useCallback(() => setAskKey(true), []);
  const { job, attach } = useJob(key, features.events, needKey);
  const jobs = useJobs(key, config !== null && !(config.key_required && !key));
  const update = useCallback((patch: Partial<StudioForm>) => setForm((f) => ({ ...f, ...patch })), []);
  const body = () => toRequestBody(form, { stepSeeds: features.step_seeds });

  useEffect(() => {
    void api.config().then((r) => {
      if (!r.ok) return setGeneral([`The server's settings could not be read: ${r.message}`]);
      setConfig(r.json);
      const last = lastJob.get();
      if (r.json.key_required && !sessionKey.get()) setAskKey(true);
      else if (last) attach(last);
    });
    void api.presets().then((r) => r.ok && setPresets(r.json.presets));
    // Once, with the key the page started with.
  }, []);
  useEffect(() => saveForm(form), [form]);
  // A key typed in: watch again, with it, the job a 401 stopped (or the one a reload left).
  // Only a new `attach` (made with the new key) matters here, not every change of the job.
  const keyEntered = useRef(false);
  useEffect(() => {
    if (!keyEntered.current) return;
    keyEntered.current = false;
    const id = job?.id ?? lastJob.get();
    if (id) attach(id);
  }, [attach]);
  const jobEnded = job !== null && job.status !== 'queued' && job.status !== 'processing';
  const refreshJobs = jobs.refresh;
  useEffect(() => {
    if (!jobEnded) return;
    refreshJobs();
    setNotice((n) => (n === QUEUED ? '' : n));
  }, [jobEnded, refreshJobs]);

  const loadRequest = useCallback(
    (text: string): string | null => {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        return `Not JSON: ${err instanceof Error ? err.message : String(err)}`;
      }
      let problem: string | null = null;
      setForm((f) => {
        const r = fromRequestBody(withPreset(json, presets), requestBase(f));
        if (r.problems.length > 0) {
          problem = r.problems.join('; ');
          return f;
        }
        setNotice(r.ignored.length > 0 ? `Request loaded; the studio does not edit ${r.ignored.join(', ')}.` : 'Request loaded.');
        return r.form;
      });
      return problem;
    },
    [presets],
  );

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const file = Array.from(e.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/'));
      if (file) {
        e.preventDefault();
        void fileToDataUri(file).then((r) => ('uri' in r ? (update({ image: r.uri, imageName: file.name || 'pasted image' }), setNotice('Image pasted.')) : setNotice(r.problem)));
        return;
      }
      if (e.target instanceof Element && e.target.closest('input, textarea, select, [contenteditable]')) return;
      const text = e.clipboardData?.getData('text/plain').trim() ?? '';
      if (text.startsWith('{')) {
        e.preventDefault();
        const problem = loadRequest(text);
        if (problem) setNotice(`The pasted request could not be loaded: ${problem}`);
      } else if (/^https?:\/\/\S+$/i.test(text)) {
        e.preventDefault();
        update({ image: text, imageName: text });
      }
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, [loadRequest, update]);

  const focusFirst = (fields: readonly string[]) => {
    const id = fields.map(controlFor).find((x) => x !== null);
    if (id) requestAnimationFrame(() => document.getElementById(id)?.focus());
  };

  const render = async () => {
    setErrors({});
    setGeneral([]);
    if (form.image === '') {
      setErrors({ image: 'Choose an image first.' });
      return focusFirst(['image']);
    }
    setSending(true);
    const r = await api.submit(body(), key);
    setSending(false);
    if (r.ok) {
      attach(r.json.id);
      jobs.refresh();
      return setNotice(QUEUED);
    }
    if (r.status === 401) {
      setAskKey(true);
      return setGeneral(['This server needs an API key.']);
    }
    const placed = placeErrors(r.errors, r.message);
    setErrors(placed.byField);
    setGeneral(placed.general.length > 0 ? placed.general : [`The server refused the request (${r.status}); see the fields marked below.`]);
    focusFirst(Object.keys(placed.byField));
  };

  const openJob = (id: string) => {
    attach(id);
    void api.fetchJob(id, key).then((r) => {
      const meta = r.ok ? r.json.meta : undefined;
      if (!meta) return;
      const { image, ...rest } = meta;
      const keepImage = typeof image === 'string' && /^https?:\/\//i.test(image) ? { image } : {};
      setForm((f) => fromRequestBody({ ...rest, ...keepImage }, f).form);
      setNotice(`Job ${id.slice(0, 8)} opened; its settings are in the form.`);
    });
  };

  const redo = (fromStep: number, change: { seed?: number; prompt?: string }) => {
    if (!job) return;
    void api.redo(job.id, { from_step: fromStep, ...change }, key).then((r) => {
      if (r.ok) {
        attach(r.json.id);
        setNotice(`Redoing from step ${r.json.resumed_from_step ?? fromStep}.`);
      } else setNotice(r.status === 404 ? 'This server cannot redo a step yet.' : `Redo refused: ${r.message}`);
    });
  };

  const cancel = (id: string) => void api.cancel(id, key).then((r) => { setNotice(r.ok ? 'Job cancelled.' : `Cancel refused: ${r.message}`); jobs.refresh(); });
  const remove = (id: string) => void api.remove(id, key).then((r) => { setNotice(r.ok ? 'Job deleted.' : `Delete refused: ${r.message}`); jobs.refresh(); });
  const engine = form.engine || config?.default_engine || '';

  return (
    <>
      <header class="top">
        <h1>zoomwalk studio</h1>
        <p class="hint">{config ? `engines: ${config.engines.join(', ') || config.default_engine || 'server default'}${config.key_required ? (key ? ' · key set for this session' : ' · key needed') : ''}` : 'connecting…'}</p>
      </header>
      {askKey ? (
        <KeyPrompt
          onKey={(k) => {
            sessionKey.set(k);
            keyEntered.current = true;
            setKey(k);
            setAskKey(false);
            setGeneral([]);
          }}
        />
      ) : null}
      <main class="layout">
        <section class="make" aria-labelledby="make-title">
          <h2 id="make-title">Make a walk</h2>
          <ImagePicker image={form.image} imageName={form.imageName} width={form.width} height={form.height} error={errors['image']} onImage={(image, imageName) => update({ image, imageName })} />
          <WalkEditor steps={form.steps} stepSeeds={features.step_seeds} errors={errors} onChange={(steps) => update({ steps })} />
          <SettingsPanel
            form={form}
            errors={errors}
            engines={config?.engines ?? []}
            defaultEngine={config?.default_engine ?? null}
            presets={presets}
            onChange={update}
            onPreset={(preset) => {
              setForm((f) => fromRequestBody(preset.fields, f).form);
              setNotice(`Preset ${preset.name} applied.`);
            }}
          />
          <CreativePanel form={form} errors={errors} onChange={update} />
          <EstimateView form={form} engine={engine} />
          {general.length > 0 ? (
            <div class="form-errors" id="form-errors" role="alert">
              {general.map((g) => <p key={g}>{g}</p>)}
            </div>
          ) : null}
          <div class="actions">
            <button type="button" id="render" class="primary" disabled={sending} onClick={() => void render()}>
              {sending ? 'Sending…' : 'Render'}
            </button>
          </div>
          <RequestTools json={() => JSON.stringify(body())} curl={() => curlCommand(body(), location.origin, config?.key_required ?? false)} onLoad={loadRequest} />
        </section>
        <aside class="side" aria-label="Progress and jobs">
          {job ? <WatchPanel job={job} canRedo={features.redo} onCancel={() => cancel(job.id)} onRedo={redo} /> : null}
          <JobsPanel jobs={jobs.jobs} message={jobs.message} canDelete={features.delete} current={job?.id ?? null} onOpen={openJob} onCancel={cancel} onDelete={remove} onRefresh={jobs.refresh} />
        </aside>
      </main>
      <p class="notice" role="status" aria-live="polite">{notice}</p>
    </>
  );
}
