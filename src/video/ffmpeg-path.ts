import { createRequire } from 'node:module';

/** The ffmpeg binary: FFMPEG_PATH if set, else the one shipped in @ffmpeg-installer/ffmpeg. */
export function ffmpegPath(): string {
  const fromEnv = process.env['FFMPEG_PATH'];
  if (fromEnv) return fromEnv;
  const require = createRequire(import.meta.url);
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}
