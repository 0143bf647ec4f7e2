/** Blends `over` into `frame` in place: frame·(1 − w) + over·w, byte by byte (any planar or packed layout, the same in both). */
export function crossfade(frame: Uint8Array, over: Uint8Array, w: number): void {
  if (w <= 0) return;
  if (w >= 1) {
    frame.set(over.subarray(0, frame.length));
    return;
  }
  for (let i = 0; i < frame.length; i++) frame[i] = Math.round(frame[i]! + (over[i]! - frame[i]!) * w);
}

/** The weight of a loop's closing image at fraction `t` of the last step: smoothstep, so the dissolve starts and ends at rest. */
export function loopDissolve(t: number): number {
  const u = Math.min(1, Math.max(0, t));
  return u * u * (3 - 2 * u);
}
