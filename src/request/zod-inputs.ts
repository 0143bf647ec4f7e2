import { z } from 'zod';

/**
 * Zod input helpers shared by the walk request schema and the server's API schemas: public
 * clients send numbers and booleans as strings (JSON bodies, multipart form fields), and each
 * helper turns those into the typed value, leaving anything else for zod to reject with its own
 * message.
 */

/** A numeric string ("512") as a number; anything else as it came. */
export function numeric(value: unknown): unknown {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/** A form field as a number: absent or empty means not given, anything else goes through Number(). */
export function formNumber(value: unknown): unknown {
  return value === undefined || value === '' ? undefined : Number(value);
}

/** "true"/"yes" and "false"/"no" as booleans; anything else as it came. */
export function booleanWord(value: unknown): unknown {
  return value === 'true' || value === 'yes' ? true : value === 'false' || value === 'no' ? false : value;
}

/** A boolean or a case-insensitive string as "yes"/"no"; anything else as it came. */
export function yesNoWord(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : typeof value === 'string' ? value.trim().toLowerCase() : value;
}

/** A string in lower case; anything else as it came. */
export function lowerCased(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** A string in upper case; anything else as it came. */
export function upperCased(value: unknown): unknown {
  return typeof value === 'string' ? value.toUpperCase() : value;
}

/** An integer in [min, max], given as a number or a numeric string. */
export const int = (min: number, max: number) => z.preprocess(numeric, z.number().int().min(min).max(max));

/** A number in [min, max], given as a number or a numeric string. */
export const num = (min: number, max: number) => z.preprocess(numeric, z.number().min(min).max(max));

/** An optional integer form field in [min, max]; empty means not given. */
export const formInt = (min: number, max: number) => z.preprocess(formNumber, z.number().int().min(min).max(max).optional());

/** An optional number form field in [min, max]; empty means not given. */
export const formNum = (min: number, max: number) => z.preprocess(formNumber, z.number().min(min).max(max).optional());

/** A boolean, also given as "true"/"false"/"yes"/"no". */
export const flag = z.preprocess(booleanWord, z.boolean());

/** "yes" or "no", also given as a boolean or in any case. */
export const yesNo = z.preprocess(yesNoWord, z.enum(['yes', 'no']));
