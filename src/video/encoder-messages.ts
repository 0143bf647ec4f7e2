/**
 * Messages between VideoEncoder (main thread) and the encoder thread that owns ffmpeg. A thread
 * serves one encode after another; replies carry the encode's `session` so a late reply of an
 * earlier encode (a write finishing after ffmpeg died) is never taken for the current one's.
 */
export type ToEncoderThread =
  | { type: 'start'; session: number; ffmpeg: string; args: string[] }
  /** A frame slot: memory shared by both threads, registered once and reused. */
  | { type: 'slot'; session: number; slot: number; memory: SharedArrayBuffer }
  /** Slot `slot` holds a frame to write. */
  | { type: 'frame'; session: number; slot: number }
  | { type: 'end' }
  | { type: 'kill' };

export type FromEncoderThread = { session: number } & (
  | { type: 'written'; slot: number }
  | { type: 'encoded'; frames: number }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string; spawnError: string | null }
);
