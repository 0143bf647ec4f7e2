import { describe, expect, it } from 'vitest';
import { expandSchedule } from '../../../src/request/schedule.js';
import { validateWalkRequest } from '../../../src/request/validate.js';
import { messageOf } from '../../support/validation.js';

const walk = ['backward', 'backward', 'left', 'backward', 'backward', 'up'];
const base = { image: 'in.png', walk_type: walk };


describe('expandSchedule', () => {
  it('holds each keyed value until the next key', () => {
    const issues: { path: string; message: string }[] = [];
    expect(expandSchedule('prompt', { '0': 'forest', '4': 'sea' }, 6, issues)).toEqual(['forest', 'forest', 'forest', 'forest', 'sea', 'sea']);
    expect(expandSchedule('prompt', { '5': 'c', '2': 'b', '0': 'a' }, 6, issues)).toEqual(['a', 'a', 'b', 'b', 'b', 'c']);
    expect(issues).toEqual([]);
  });

  it('gives the steps before the first key an empty value', () => {
    const issues: { path: string; message: string }[] = [];
    expect(expandSchedule('negative_prompt', { '2': 'blur' }, 4, issues)).toEqual(['', '', 'blur', 'blur']);
    expect(issues).toEqual([]);
  });

  it('keeps the string and array forms', () => {
    const issues: { path: string; message: string }[] = [];
    expect(expandSchedule('prompt', 'x', 3, issues)).toEqual(['x', 'x', 'x']);
    expect(expandSchedule('prompt', ['a', 'b', 'c'], 3, issues)).toEqual(['a', 'b', 'c']);
    expect(issues).toEqual([]);
  });
});

describe('prompt and negative_prompt schedules in a request', () => {
  it('expands both fields to one value per step', () => {
    const r = validateWalkRequest({ ...base, prompt: { '0': 'forest', '4': 'sea' }, negative_prompt: { '0': 'people', '2': 'text' } });
    expect(r.prompts).toEqual(['forest', 'forest', 'forest', 'forest', 'sea', 'sea']);
    expect(r.negativePrompts).toEqual(['people', 'people', 'text', 'text', 'text', 'text']);
  });

  it('accepts a negative_prompt array of one per step, and spreads a string', () => {
    expect(validateWalkRequest({ ...base, walk_type: ['left', 'up'], negative_prompt: ['a', 'b'] }).negativePrompts).toEqual(['a', 'b']);
    expect(validateWalkRequest({ ...base, walk_type: ['left', 'up'], negative_prompt: 'blur' }).negativePrompts).toEqual(['blur', 'blur']);
  });

  it.each([
    ['a key past the last step', { prompt: { '0': 'a', '6': 'b' } }, 'prompt.6: key "6" is not a step index: keys are integers from 0 to 5 (the walk has 6 steps)'],
    ['a key that is not an integer', { negative_prompt: { '1.5': 'b' } }, 'negative_prompt.1.5: key "1.5" is not a step index'],
    ['a word as key', { prompt: { first: 'a' } }, 'prompt.first: key "first" is not a step index'],
    ['a negative key', { prompt: { '-1': 'a' } }, 'prompt.-1: key "-1" is not a step index'],
    ['a padded key', { prompt: { '01': 'a' } }, 'prompt.01: key "01" is not a step index'],
    ['an empty schedule', { prompt: {} }, 'prompt: must not be empty'],
    ['an array of the wrong length', { negative_prompt: ['a', 'b'] }, 'negative_prompt: 2 negative prompts given for 6 walk steps'],
  ])('rejects %s, naming the field and key', (_, body, message) => {
    expect(messageOf({ ...base, ...body })).toContain(message);
  });

  it('rejects a schedule value that is not a string', () => {
    expect(messageOf({ ...base, prompt: { '0': 3 } })).toMatch(/^prompt/);
  });
});
