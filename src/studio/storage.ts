// What the page remembers: the form across reloads (localStorage), the key for this browser
// session only (sessionStorage), and the job being watched so a reload re-attaches to it.
import { WALK_TYPES } from '../request/limits.js';
import { defaultForm, type Step, type StudioForm } from './form.js';

const FORM = 'zoomwalk.studio.form';
const JOB = 'zoomwalk.studio.job';
const KEY = 'zoomwalk.studio.key';
/** localStorage holds about 5 MB per origin; a bigger inline image is not worth failing every save for. */
const MAX_STORED_IMAGE = 2_000_000;

function read(store: Storage, name: string): string | null {
  try {
    return store.getItem(name);
  } catch {
    return null;
  }
}

function write(store: Storage, name: string, value: string | null): void {
  try {
    if (value === null) store.removeItem(name);
    else store.setItem(name, value);
  } catch {
    // Storage full or disabled (private mode): the page still works, it just forgets.
  }
}

const isStep = (s: unknown): s is Step =>
  typeof s === 'object' && s !== null && (WALK_TYPES as readonly unknown[]).includes((s as Step).direction) && typeof (s as Step).prompt === 'string' && ((s as Step).seed === null || typeof (s as Step).seed === 'number');

/** A saved step; one saved before steps had their own negative prompt gets ''. */
const savedStep = (s: Step): Step => ({ ...s, negativePrompt: typeof s.negativePrompt === 'string' ? s.negativePrompt : '' });

/** The saved form over today's defaults, each field kept only when it has the right type. */
export function loadForm(): StudioForm {
  const base = defaultForm();
  let saved: Record<string, unknown>;
  try {
    saved = JSON.parse(read(localStorage, FORM) ?? '{}') as Record<string, unknown>;
  } catch {
    return base;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(base)) {
    const s = saved[k];
    if (k === 'steps') {
      if (Array.isArray(s) && s.length > 0 && s.every(isStep)) out[k] = s.map(savedStep);
    } else if (k === 'seed') {
      if (s === null || typeof s === 'number') out[k] = s;
    } else if (typeof s === typeof v) out[k] = s;
  }
  return out as unknown as StudioForm;
}

/** Saves the form; an inline image or watermark too big for localStorage is left out. */
export function saveForm(form: StudioForm): void {
  const image = form.image.length <= MAX_STORED_IMAGE ? {} : { image: '', imageName: '' };
  const mark = form.watermark.length <= MAX_STORED_IMAGE ? {} : { watermark: '', watermarkName: '' };
  write(localStorage, FORM, JSON.stringify({ ...form, ...image, ...mark }));
}

/** The job a reload should re-attach to. */
export const lastJob = {
  get: (): string | null => read(localStorage, JOB),
  set: (id: string | null): void => write(localStorage, JOB, id),
};

/** The API key, asked once per browser session and never written to localStorage. */
export const sessionKey = {
  get: (): string | null => read(sessionStorage, KEY),
  set: (key: string | null): void => write(sessionStorage, KEY, key),
};
