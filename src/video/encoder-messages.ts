/** Messages between VideoEncoder (main thread) and the encoder thread that owns ffmpeg. */
export type ToEncoderThread = { type: 'frame'; data: ArrayBuffer } | { type: 'end' } | { type: 'kill' };

export type FromEncoderThread =
  | { type: 'written'; data: ArrayBuffer }
  | { type: 'encoded'; frames: number }
  | { type: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string; spawnError: string | null };
