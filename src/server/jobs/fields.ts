/**
 * Fields the server adds to a stored request for itself. A client may not set them (they are
 * dropped from what it sends) and they are never echoed back in a response's `meta`.
 */

/** The job's stored copy of its input image (a file name under the inputs directory). */
export const INPUT_FIELD = '_input';
/** Marks a stored job as a single outpaint rather than a walk. */
export const KIND_FIELD = '_kind';
/** A single outpaint's stored mask image. */
export const MASK_FIELD = '_mask';
/** A walk's stored audio and watermark files (fetched at submit through the SSRF guard). */
export const AUDIO_FIELD = '_audio';
export const WATERMARK_FIELD = '_watermark';
/** Every field naming a file under the inputs directory: removed with the job, kept while it runs. */
export const STORED_FILE_FIELDS = [INPUT_FIELD, MASK_FIELD, AUDIO_FIELD, WATERMARK_FIELD] as const;
/** A single outpaint's settings (see outpaint-request.ts); named before the `_` rule, kept for stored jobs. */
export const SPEC_FIELD = 'spec';

/** True for a field the server keeps for itself: `spec` and every name starting with `_`. */
export function isInternalField(name: string): boolean {
  return name === SPEC_FIELD || name.startsWith('_');
}

/** A request without its key and the server's own fields: what a client may see of it again. */
export function publicFields(request: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(request).filter(([name]) => name !== 'key' && !isInternalField(name)));
}

/** A redo's origin: `{job, step}`, the job whose keyframes before `step` it starts from (routes/redo.ts). */
export const REDO_FIELD = '_redo';
