/** A per-step text field as a request may give it: one value, one per step, or a schedule keyed by step index. */
export type ScheduleInput = string | readonly string[] | Readonly<Record<string, string>>;

type Issue = { path: string; message: string };

const STEP_KEY = /^(0|[1-9][0-9]*)$/;

/**
 * Expands `value` to one string per walk step. A string holds for every step; an array gives one
 * per step (its length must equal `steps`); an object keyed by step index (`{"0": "forest", "4":
 * "sea"}`) holds each value until the next key, and steps before the first key get `""`. Problems
 * are pushed onto `issues` under `field` (the result is then still `steps` long).
 */
export function expandSchedule(field: string, value: ScheduleInput, steps: number, issues: Issue[]): string[] {
  if (typeof value === 'string') return Array.from({ length: steps }, () => value);
  if (Array.isArray(value)) {
    const list = value as readonly string[];
    if (list.length !== steps) {
      const noun = field.replace(/_/g, ' ');
      issues.push({ path: field, message: `${list.length} ${noun}s given for ${steps} walk steps; give one ${noun}, one per step, or an object keyed by step index` });
    }
    return Array.from({ length: steps }, (_, i) => list[Math.min(i, list.length - 1)] ?? '');
  }
  const record = value as Readonly<Record<string, string>>;
  const starts = new Map<number, string>();
  for (const [key, text] of Object.entries(record)) {
    const index = STEP_KEY.test(key) ? Number(key) : NaN;
    if (!Number.isSafeInteger(index) || index >= steps) {
      issues.push({ path: `${field}.${key}`, message: `key "${key}" is not a step index: keys are integers from 0 to ${steps - 1} (the walk has ${steps} steps)` });
    } else {
      starts.set(index, text);
    }
  }
  if (Object.keys(record).length === 0) issues.push({ path: field, message: 'must not be empty: give at least one step index, e.g. {"0": "..."}' });
  let current = '';
  return Array.from({ length: steps }, (_, i) => {
    current = starts.get(i) ?? current;
    return current;
  });
}
