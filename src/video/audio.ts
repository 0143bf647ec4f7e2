import { execFile } from 'node:child_process';
import { ValidationError } from '../errors.js';
import { ffmpegPath } from './ffmpeg-path.js';
import type { VideoFormat } from './containers.js';

/** The sound muxed under a video: a file ffmpeg reads, its gain, fade-out, and the picture's length it is cut or padded to. */
export interface AudioTrack {
  readonly path: string;
  readonly volume: number;
  readonly fadeOut: number;
  readonly seconds: number;
}

/** Sample rate of the muxed audio: Opus's own, and fine for AAC. */
const RATE = 48000;

/**
 * Checks that `path` holds an audio stream ffmpeg can decode (ffmpeg -i lists its streams), so a
 * wrong file fails at submit, not after the render. Returns the codec name.
 */
export function probeAudio(path: string, field = 'audio'): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath(), ['-hide_banner', '-i', path], { timeout: 20_000, maxBuffer: 1 << 20 }, (_err, _out, stderr) => {
      const text = String(stderr);
      const audio = /Stream #\d+:\d+[^:]*: Audio: ([\w-]+)/.exec(text);
      if (audio) return resolve(audio[1]!);
      const why = /No such file or directory/.test(text)
        ? 'no such file'
        : /Invalid data found|could not find codec|Unknown input format/i.test(text)
          ? 'not an audio or video file ffmpeg can read'
          : /Stream #/.test(text)
            ? 'the file has no audio stream'
            : 'ffmpeg could not read it';
      reject(new ValidationError([{ path: field, message: `${why} (${path.length > 80 ? `${path.slice(0, 77)}...` : path})` }]));
    });
  });
}

/** ffmpeg input arguments for the audio file (after the frames' inputs). */
export function audioInputArgs(track: AudioTrack): string[] {
  return ['-i', track.path];
}

/**
 * Output arguments for the audio stream at input `index`: AAC in mp4, Opus in webm; gain, then
 * padded with silence and cut to exactly the picture's length (so the picture's length wins), then
 * the fade-out at its end.
 */
export function audioOutputArgs(format: VideoFormat, track: AudioTrack, index: number): string[] {
  const samples = Math.round(track.seconds * RATE);
  const filters = [`aresample=${RATE}`, `volume=${track.volume}`, 'apad', `atrim=end_sample=${samples}`];
  if (track.fadeOut > 0) {
    const d = Math.min(track.fadeOut, track.seconds);
    filters.push(`afade=t=out:st=${(track.seconds - d).toFixed(6)}:d=${d.toFixed(6)}`);
  }
  const codec = format === 'webm' ? ['-c:a', 'libopus', '-b:a', '160k'] : ['-c:a', 'aac', '-b:a', '192k'];
  return ['-map', `${index}:a:0`, '-af', filters.join(','), ...codec];
}
