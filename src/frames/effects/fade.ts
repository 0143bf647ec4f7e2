/**
 * Fades to and from black on finished frames. Black is (16, 128, 128) in limited-range yuv420p
 * (what ffmpeg stores for mp4/webm) and (0, 0, 0) in rgb24 (gif), so a level of 0 is true black.
 */
/** The frame layouts the effects work on (video/containers.ts' FrameLayout). */
export type FrameLayout = 'rgb24' | 'yuv420p';

/** The picture's level (0 black … 1 untouched) at output frame `index` of `total`, with `fadeIn` / `fadeOut` frames of fade. */
export function fadeLevel(index: number, total: number, fadeIn: number, fadeOut: number): number {
  let a = 1;
  // Frame 0 of a fade-in is black and frame fadeIn the first untouched; the last frame of a fade-out is black.
  if (fadeIn > 0 && index < fadeIn) a = Math.min(a, index / fadeIn);
  const fromEnd = total - 1 - index;
  if (fadeOut > 0 && fromEnd < fadeOut) a = Math.min(a, Math.max(0, fromEnd) / fadeOut);
  return a;
}

/** Scales a frame towards black by `level` in place. */
export function applyFade(frame: Uint8Array, format: FrameLayout, width: number, height: number, level: number): void {
  if (level >= 1) return;
  if (format === 'rgb24') {
    for (let i = 0; i < frame.length; i++) frame[i] = Math.round(frame[i]! * level);
    return;
  }
  const luma = width * height;
  for (let i = 0; i < luma; i++) frame[i] = Math.round(16 + (frame[i]! - 16) * level);
  for (let i = luma; i < frame.length; i++) frame[i] = Math.round(128 + (frame[i]! - 128) * level);
}
