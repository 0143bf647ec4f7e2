import type { z } from 'zod';
import { ValidationError } from '../errors.js';

/** Renders a zod issue path as `walk_type[3]` / `prompt`. */
export function issuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Turns one zod issue into a message that names the bad value and the limit. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'array'
        ? `has ${Array.isArray(input) ? input.length : 'too many'} items; the maximum is ${String(issue.maximum)}`
        : `${show(input)} is above the maximum ${String(issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `must not be empty`
        : `${show(input)} is below the minimum ${String(issue.minimum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
    case 'invalid_value':
      return `${show(input)} is not one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      if (input === undefined) return 'is required';
      if (issue.expected === 'int') return `${show(input)} must be an integer`;
      return `${show(input)} must be ${issue.expected === 'array' ? 'an array' : `a ${issue.expected}`}`;
    case 'invalid_union':
      return `${show(input)} has the wrong type`;
    case 'invalid_format':
      return `${show(input)} is not a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/** Parses `value` with `schema`, or throws one ValidationError naming every bad field, value and limit. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw new ValidationError(parsed.error.issues.flatMap((i) => flatIssues(i)));
  return parsed.data;
}

/**
 * One issue as field messages. A union whose value matched one branch's type (a list given for
 * `seed`, which also takes one number) reports that branch's issues, so `seed[2]` is named.
 */
function flatIssues(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[] = []): { path: string; message: string }[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const typed = issue.errors.filter((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
    if (typed.length === 1) return typed[0]!.flatMap((e) => flatIssues(e, path));
  }
  return [{ path: issuePath(path), message: issueMessage(issue) }];
}
