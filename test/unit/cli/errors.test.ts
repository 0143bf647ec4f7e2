import { describe, expect, it } from 'vitest';
import { describeError, EXIT } from '../../../src/cli/errors.js';
import {
  AbortError,
  EncoderError,
  EngineConfigError,
  EngineError,
  ERROR_CODES,
  ImageLoadError,
  RemoteEngineError,
  UnknownNameError,
  UsageError,
  ValidationError,
  ZoomwalkError,
  type ErrorCode,
} from '../../../src/errors.js';

describe('describeError', () => {
  it.each(Object.keys(ERROR_CODES) as ErrorCode[])('exits with the table’s code for %s, printing the message', (code) => {
    expect(describeError(new ZoomwalkError(code, 'what went wrong'), false)).toEqual({ code: ERROR_CODES[code].exitCode, text: 'what went wrong' });
  });

  it('maps each error class to usage (2), runtime (1) or aborted (130)', () => {
    const cases: [Error, number][] = [
      [new ValidationError([{ path: 'fps', message: 'must be at most 60' }]), EXIT.usage],
      [new UsageError('missing request file'), EXIT.usage],
      [new UnknownNameError('engine', 'nope', ['mirror']), EXIT.usage],
      [new UnknownNameError('preset', 'nope', []), EXIT.usage],
      [new EngineConfigError('no key'), EXIT.usage],
      [new ImageLoadError('unreadable'), EXIT.runtime],
      [new EngineError('mirror', 'broke'), EXIT.runtime],
      [new RemoteEngineError('bfl', '/v1/x', 503, 'unavailable'), EXIT.runtime],
      [new EncoderError('ffmpeg failed', 'tail'), EXIT.runtime],
      [new AbortError(), EXIT.aborted],
    ];
    expect(cases.map(([err]) => [err.name, describeError(err, false).code])).toEqual(cases.map(([err, code]) => [err.name, code]));
    expect(EXIT).toEqual({ ok: 0, runtime: 1, usage: 2, aborted: 130 });
  });

  it('prints one line without --verbose, and the code and stack with it', () => {
    const err = new ValidationError([{ path: 'fps', message: 'must be at most 60' }]);
    expect(describeError(err, false).text).toBe('fps: must be at most 60');
    const verbose = describeError(err, true).text;
    expect(verbose.startsWith('ZW_INVALID_REQUEST: ValidationError: fps: must be at most 60\n')).toBe(true);
    expect(verbose).toContain('errors.test.ts');
  });

  it('treats anything else as a runtime failure', () => {
    const plain = new Error('disk full');
    expect(describeError(plain, false)).toEqual({ code: EXIT.runtime, text: 'disk full' });
    expect(describeError(plain, true)).toEqual({ code: EXIT.runtime, text: plain.stack });
    expect(describeError('a thrown string', false)).toEqual({ code: EXIT.runtime, text: 'a thrown string' });
    expect(describeError(undefined, false)).toEqual({ code: EXIT.runtime, text: 'undefined' });
    expect(describeError(new TypeError('x is not a function'), false)).toEqual({ code: 1, text: 'x is not a function' });
  });
});
