import sharp from 'sharp';
import { expect } from 'vitest';
import type { RawImage } from '../../src/image/raw.js';
import type { SizedRect } from '../../src/engines/known-pixels.js';
import type { OutpaintTask } from '../../src/engines/types.js';
import { texturedImage } from './images.js';

/**
 * What a fake outpainting service returns: the uploaded picture pasted at (x, y) on a width×height
 * canvas, every other pixel coloured by its position relative to the picture (R = 128 + dx,
 * G = 128 + dy, B = 200), so a test can tell where the service put the picture.
 */
export async function composeAnswer(input: Buffer, width: number, height: number, x: number, y: number): Promise<{ png: Buffer; inputWidth: number; inputHeight: number }> {
  const src = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const iw = src.info.width;
  const ih = src.info.height;
  const out = Buffer.alloc(width * height * 3);
  for (let cy = 0; cy < height; cy++) {
    for (let cx = 0; cx < width; cx++) {
      const o = (cy * width + cx) * 3;
      const sx = cx - x;
      const sy = cy - y;
      if (sx >= 0 && sy >= 0 && sx < iw && sy < ih) src.data.copy(out, o, (sy * iw + sx) * 3, (sy * iw + sx) * 3 + 3);
      else out.set([clamp(128 + sx), clamp(128 + sy), 200], o);
    }
  }
  return { png: await sharp(out, { raw: { width, height, channels: 3 } }).png().toBuffer(), inputWidth: iw, inputHeight: ih };
}

/** The colour composeAnswer gives a generated pixel at (x, y) when the picture sits at `at`. */
export function positionColour(x: number, y: number, at: { x: number; y: number }): number[] {
  return [clamp(128 + x - at.x), clamp(128 + y - at.y), 200];
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, v));
}

/** A width×height task whose known pixels are exactly `box`. */
export function boxTask(width: number, height: number, box: SizedRect, extra: Partial<OutpaintTask> = {}): OutpaintTask {
  const mask = new Uint8Array(width * height).fill(255);
  for (let y = box.y; y < box.y + box.height; y++) mask.fill(0, y * width + box.x, y * width + box.x + box.width);
  return { image: texturedImage(width, height, 3), mask, prompt: 'a lake', negativePrompt: 'blur', seed: 7, steps: 20, guidance: 7.5, overlap: 4, ...extra };
}

/** Asserts every known pixel of the task is unchanged in `out`. */
export function expectKnownKept(task: OutpaintTask, out: RawImage): void {
  expect([out.width, out.height]).toEqual([task.image.width, task.image.height]);
  let changed = 0;
  for (let p = 0; p < task.mask.length; p++) {
    if (task.mask[p] !== 0) continue;
    for (let c = 0; c < 3; c++) if (out.data[p * 3 + c] !== task.image.data[p * 3 + c]) changed++;
  }
  expect(changed).toBe(0);
}

/** The RGB of one pixel. */
export function pixel(img: RawImage, x: number, y: number): number[] {
  const o = (y * img.width + x) * 3;
  return [...img.data.subarray(o, o + 3)];
}

/** Resolves after `ms`. */
export const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
