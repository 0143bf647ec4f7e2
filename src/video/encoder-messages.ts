/**
 * Messages between VideoEncoder (main thread) and the encoder thread that owns ffmpeg. A thread
 * serves one encode after another; replies carry the encode's `session` so a late reply of an
 * earlier encode (a write finishing after ffmpeg died) is never taken for the current one's.
 */
export type ToEncoderThread =
  | { type: 'start'; session: number; ffmpeg: string; args: string[] }
  /** A frame slot: memory shared by both threads, registered once and reused by later encodes. */
  | { type: 'slot'; slot: number; memory: SharedArrayBuffer }
  /** Forget every slot (the next encode's frames have another size). */
  | { type: 'reset' }
  /** These slots hold frames to write, in order. */
  | { type: 'frames'; session: number; slots: number[] }
  | { type: 'end' }
  | { type: 'kill' };

export type FromEncoderThread = { session: number } & (
  /** These slots' frames are in the pipe; the slots are free again. */
  | { type: 'written'; slots: number[] }
  | { type: 'encoded'; frames: number }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string; spawnError: string | null }
);
