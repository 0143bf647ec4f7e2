/** ffmpeg settings per output container; mp4 is H.264 yuv420p with +faststart for web players. */
export type VideoFormat = 'mp4' | 'webm' | 'gif';

/** Raw frame layouts the encoder accepts on stdin. */
export type PixelFormat = 'rgb24' | 'yuv420p';

/** What frames a format is best fed: the pixel format it stores, so ffmpeg converts nothing. */
export function preferredPixelFormat(format: VideoFormat): PixelFormat {
  return format === 'gif' ? 'rgb24' : 'yuv420p';
}

/** Quality knobs a caller may override; defaults favour quality over encode speed. */
export interface EncodeSettings {
  /** x264 preset for mp4 (ultrafast … veryslow). */
  readonly preset: string;
  /** Constant rate factor: lower is better quality and bigger files. */
  readonly crf: number;
}

export const DEFAULT_ENCODE: EncodeSettings = { preset: 'medium', crf: 20 };

/** GIF stores delays in 1/100 s, so players cannot show more than 50 frames a second. */
export const GIF_MAX_FPS = 50;

/** ffmpeg output arguments (after the input) for a format. */
export function outputArgs(format: VideoFormat, fps: number, settings: EncodeSettings): string[] {
  switch (format) {
    case 'mp4': {
      const args = ['-c:v', 'libx264', '-preset', settings.preset, '-crf', String(settings.crf), '-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-f', 'mp4'];
      // The npm ffmpeg build runs ultrafast with trellis on, which triples its cost (docs/performance.md).
      if (settings.preset === 'ultrafast') args.splice(6, 0, '-x264-params', 'trellis=0');
      return args;
    }
    case 'webm':
      return ['-c:v', 'libvpx-vp9', '-crf', String(Math.min(63, settings.crf + 12)), '-b:v', '0', '-deadline', 'good', '-cpu-used', '4', '-row-mt', '1', '-pix_fmt', 'yuv420p', '-f', 'webm'];
    case 'gif': {
      const rate = Math.min(fps, GIF_MAX_FPS);
      return ['-vf', `fps=${rate},split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4`, '-loop', '0', '-f', 'gif'];
    }
  }
}
