import { LIMITS, WALK_TYPES, type WalkType } from './limits.js';

/** The accepted `--walk` syntax, shown with every syntax error. */
export const WALK_SYNTAX =
  'comma-separated steps DIR or DIR*N, DIR one of left, right, up, down, backward (or back), N a whole number ≥ 1; e.g. "backward*6,left*2"';

/** A parsed walk, or why the text is not one. */
export type WalkSyntaxResult = { readonly ok: true; readonly walk: WalkType[] } | { readonly ok: false; readonly message: string };

const TERM = /^([a-z]+)\s*(?:\*\s*([0-9]+))?$/;

function direction(word: string): WalkType | null {
  const w = word === 'back' ? 'backward' : word;
  return (WALK_TYPES as readonly string[]).includes(w) ? (w as WalkType) : null;
}

/**
 * Parses the CLI's walk shorthand (`backward*6,left*2`, case-insensitive, spaces allowed around
 * terms) into walk_type steps; at most LIMITS.maxWalkSteps steps in all.
 */
export function parseWalkSyntax(text: string): WalkSyntaxResult {
  const walk: WalkType[] = [];
  const terms = text.split(',').map((t) => t.trim().toLowerCase());
  for (const [i, term] of terms.entries()) {
    const fail = (why: string): WalkSyntaxResult => ({ ok: false, message: `"${text}": ${why}; the syntax is ${WALK_SYNTAX}` });
    if (term === '') return fail(terms.length === 1 ? 'the walk is empty' : `step ${i + 1} is empty`);
    const m = TERM.exec(term);
    const kind = m ? direction(m[1]!) : null;
    if (!m || !kind) return fail(`"${term}" is not a step`);
    const count = m[2] === undefined ? 1 : Number(m[2]);
    if (count < 1) return fail(`"${term}" repeats a step ${count} times`);
    if (walk.length + count > LIMITS.maxWalkSteps) return fail(`the walk has more than ${LIMITS.maxWalkSteps} steps`);
    for (let k = 0; k < count; k++) walk.push(kind);
  }
  return { ok: true, walk };
}

/** Writes a walk in the shorthand, runs of one direction as DIR*N: the inverse of parseWalkSyntax. */
export function formatWalkSyntax(walk: readonly WalkType[]): string {
  const runs: string[] = [];
  for (let i = 0; i < walk.length; ) {
    let j = i;
    while (j < walk.length && walk[j] === walk[i]) j++;
    runs.push(j - i === 1 ? walk[i]! : `${walk[i]}*${j - i}`);
    i = j;
  }
  return runs.join(',');
}
