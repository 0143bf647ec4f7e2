// Shared by the Redis queue tests: a small walk, its input, and frame hashes.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import { texturedImage, writePng } from '../../helpers/images.js';

/** A data URI of a textured 96×96 PNG written under `dir`. */
export async function inputUri(dir: string): Promise<string> {
  const png = await readFile(await writePng(texturedImage(96, 96), join(dir, 'in.png')));
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** A walk of `steps` steps, 64×64, few frames: quick on any engine. */
export function smallWalk(image: string, steps = 3, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const cycle = ['backward', 'left', 'up', 'right', 'down'];
  return { image, walk_type: Array.from({ length: steps }, (_, i) => cycle[i % cycle.length]), width: 64, height: 64, translation_factor: 0.25, num_interpolation_steps: 2, fps: 8, seed: 5, ...extra };
}

/** The decoded frames' md5 list of a video (ffmpeg -f framemd5), without the header. */
export async function framemd5(path: string): Promise<string> {
  const { stdout } = await promisify(execFile)(ffmpeg.path, ['-v', 'error', '-i', path, '-f', 'framemd5', '-'], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).join('\n');
}
