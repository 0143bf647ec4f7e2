import sharp from 'sharp';
import { decodeImage } from '../../image/load.js';
import type { RawImage } from '../../image/raw.js';
import { RemoteEngineError } from '../../errors.js';
import { correctSeam } from '../seam-colour.js';
import { knownBox, restoreKnown, type SizedRect } from '../known-pixels.js';
import type { OutpaintTask } from '../types.js';

/** The task's canvas as PNG bytes. */
export function canvasPng(img: RawImage): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).png().toBuffer();
}

/** The task's mask as a PNG, white where the service must generate. */
export function maskPng(mask: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(mask), { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** The known part of the canvas, cropped to its bounding box, as PNG. */
export async function knownPng(task: OutpaintTask): Promise<{ png: Buffer; box: SizedRect }> {
  const box = knownBox(task.mask, task.image.width, task.image.height);
  if (!box) throw new RemoteEngineError('remote', '', null, 'the mask covers the whole canvas; there is nothing to outpaint from');
  const png = await sharp(task.image.data, { raw: { width: task.image.width, height: task.image.height, channels: 3 } }).extract({ left: box.x, top: box.y, width: box.width, height: box.height }).png().toBuffer();
  return { png, box };
}

/**
 * Decodes a service's image (bytes or base64) to exactly width×height: a result of the same aspect
 * ratio is resized, anything else is rejected with an error naming the engine.
 */
export async function decodeResult(engine: string, path: string, data: Buffer | string, width: number, height: number): Promise<RawImage> {
  const bytes = typeof data === 'string' ? Buffer.from(data.replace(/^data:[^,]*,/, ''), 'base64') : data;
  let img: RawImage;
  try {
    img = await decodeImage(bytes);
  } catch (err) {
    throw new RemoteEngineError(engine, path, null, `returned something that is not an image (${(err as Error).message})`, { cause: err });
  }
  if (img.width === width && img.height === height) return img;
  if (Math.abs(img.width / img.height - width / height) > 0.01) {
    throw new RemoteEngineError(engine, path, null, `returned a ${img.width}×${img.height} image for a ${width}×${height} canvas`);
  }
  const { data: raw } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).resize(width, height, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  return { width, height, channels: 3, data: new Uint8Array(raw.buffer, raw.byteOffset, raw.length) };
}

/**
 * The width×height part of an image whose top-left corner is at (left, top): undoes padTo8, and
 * cuts the task's canvas out of an answer for a larger canvas.
 */
export function cropTo(img: RawImage, width: number, height: number, left = 0, top = 0): RawImage {
  if (left === 0 && top === 0 && img.width === width && img.height === height) return img;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, channels: 3, data };
}

/**
 * Makes a service's answer safe for the walk: the generated side is colour-matched to the known
 * pixels over the overlap band (feathered), and the known pixels are restored exactly.
 */
export function finishRemote(task: OutpaintTask, result: RawImage): RawImage {
  const out: RawImage = { ...result, data: result.data === task.image.data ? result.data.slice() : result.data };
  const hole = new Uint8Array(task.mask.length);
  for (let i = 0; i < hole.length; i++) hole[i] = task.mask[i]! >= 128 ? 1 : 0;
  correctSeam(out, hole, Math.max(4, task.overlap));
  return restoreKnown(out, task.image, task.mask);
}
