/**
 * Messages between VideoEncoder (main thread) and the encoder thread that owns ffmpeg. A thread
 * serves one encode after another; replies carry the encode's `session` so a late reply of an
 * earlier encode (a write finishing after ffmpeg died) is never taken for the current one's.
 */
export type ToEncoderThread =
  | { type: 'start'; session: number; ffmpeg: string; args: string[] }
  | { type: 'frame'; data: ArrayBuffer }
  | { type: 'end' }
  | { type: 'kill' };

export type FromEncoderThread = { session: number } & (
  | { type: 'written'; data: ArrayBuffer }
  | { type: 'encoded'; frames: number }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string; spawnError: string | null }
);
