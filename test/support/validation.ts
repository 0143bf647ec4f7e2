import { expect } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { validateWalkRequest } from '../../src/request/validate.js';

/** The message of the ValidationError `body` is refused with; fails the test when it is accepted or refused otherwise. */
export function messageOf(body: unknown): string {
  try {
    validateWalkRequest(body);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}
