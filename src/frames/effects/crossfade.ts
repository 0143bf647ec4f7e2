/** Blends `over` into `frame` in place: frame·(1 − w) + over·w, byte by byte (any planar or packed layout, the same in both). */
export function crossfade(frame: Uint8Array, over: Uint8Array, w: number): void {
  if (w <= 0) return;
  if (w >= 1) {
    frame.set(over.subarray(0, frame.length));
    return;
  }
  for (let i = 0; i < frame.length; i++) frame[i] = Math.round(frame[i]! + (over[i]! - frame[i]!) * w);
}

/** Fraction of a loop's last step over which the dissolve runs; the rest shows the closing image alone. */
export const LOOP_DISSOLVE_END = 0.75;

/**
 * The weight of a loop's closing image at fraction `t` of the last step: smootherstep (at rest at
 * both ends) over the first 3/4 of the step, then 1. The frames next to the loop point thus show
 * the closing image alone: they differ from frame 0 and from each other only by the zoom.
 */
export function loopDissolve(t: number): number {
  const u = Math.min(1, Math.max(0, t / LOOP_DISSOLVE_END));
  return u * u * u * (u * (6 * u - 15) + 10);
}
