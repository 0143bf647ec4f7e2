import { describe, expect, it } from 'vitest';
import { LIMITS, type WalkType } from '../../../src/request/limits.js';
import { formatWalkSyntax, parseWalkSyntax, WALK_SYNTAX } from '../../../src/request/walk-syntax.js';

function walkOf(text: string): WalkType[] {
  const r = parseWalkSyntax(text);
  if (!r.ok) throw new Error(r.message);
  return r.walk;
}

function errorOf(text: string): string {
  const r = parseWalkSyntax(text);
  if (r.ok) throw new Error(`"${text}" parsed as ${r.walk.join(',')}`);
  return r.message;
}

describe('parseWalkSyntax', () => {
  it('expands DIR*N runs in order', () => {
    expect(walkOf('backward*3,left')).toEqual(['backward', 'backward', 'backward', 'left']);
    expect(walkOf('up,backward*2,right*1')).toEqual(['up', 'backward', 'backward', 'right']);
  });

  it('accepts back, any case and spaces around terms', () => {
    expect(walkOf(' Back * 2 , LEFT ')).toEqual(['backward', 'backward', 'left']);
  });

  it.each([
    ['', 'the walk is empty'],
    ['left,,up', 'step 2 is empty'],
    ['left,', 'step 2 is empty'],
    ['sideways', '"sideways" is not a step'],
    ['left*', '"left*" is not a step'],
    ['left*-1', '"left*-1" is not a step'],
    ['left*1.5', '"left*1.5" is not a step'],
    ['left*0', '"left*0" repeats a step 0 times'],
    ['left 3', '"left 3" is not a step'],
    [`backward*${LIMITS.maxWalkSteps},left`, `more than ${LIMITS.maxWalkSteps} steps`],
  ])('rejects %j: %s, showing the syntax', (text, why) => {
    const message = errorOf(text);
    expect(message).toContain(why);
    expect(message).toContain(WALK_SYNTAX);
  });

  it('accepts exactly the step limit', () => {
    expect(walkOf(`backward*${LIMITS.maxWalkSteps}`)).toHaveLength(LIMITS.maxWalkSteps);
  });
});

describe('formatWalkSyntax', () => {
  it('writes runs as DIR*N and round-trips', () => {
    const walk = walkOf('backward*6,left*2,up,backward');
    expect(formatWalkSyntax(walk)).toBe('backward*6,left*2,up,backward');
    expect(walkOf(formatWalkSyntax(walk))).toEqual(walk);
  });
});
