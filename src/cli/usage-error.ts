import { ZoomwalkError } from '../errors.js';

/** Bad CLI arguments or an unreadable request file: exit code 2. */
export class UsageError extends ZoomwalkError {
  constructor(message: string) {
    super('ZW_USAGE', 'validation', message);
  }
}
