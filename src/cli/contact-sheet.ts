import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import type { RawImage } from '../image/raw.js';

/** Where the thumbnails of a contact sheet go. */
export interface SheetLayout {
  readonly columns: number;
  readonly rows: number;
  readonly thumbWidth: number;
  readonly thumbHeight: number;
  /** Height of the label strip under each thumbnail. */
  readonly label: number;
  readonly gap: number;
  readonly width: number;
  readonly height: number;
}

/** Longest thumbnail side, so a 200-step walk still makes a sheet a viewer can open. */
export const THUMB_MAX = 256;

/**
 * A near-square grid of `count` thumbnails of a width×height keyframe: ⌈√count⌉ columns, thumbnails
 * whose longer side is min(THUMB_MAX, the keyframe's), a 20 px label under each, 8 px gaps.
 */
export function sheetLayout(count: number, width: number, height: number): SheetLayout {
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / columns));
  const k = Math.min(1, THUMB_MAX / Math.max(width, height));
  const thumbWidth = Math.max(1, Math.round(width * k));
  const thumbHeight = Math.max(1, Math.round(height * k));
  const label = 20;
  const gap = 8;
  return {
    columns,
    rows,
    thumbWidth,
    thumbHeight,
    label,
    gap,
    width: columns * thumbWidth + (columns + 1) * gap,
    height: rows * (thumbHeight + label) + (rows + 1) * gap,
  };
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Collects keyframes as a render makes them (as thumbnails, so memory stays small) and writes them as one labelled PNG grid. */
export class ContactSheet {
  private readonly thumbs = new Map<number, Promise<Buffer>>();
  private readonly labels = new Map<number, string>();

  constructor(private readonly width: number, private readonly height: number, private readonly count: number) {}

  /** Adds keyframe `index` (0 = the fitted input); the image is copied, so the caller may reuse it. */
  add(index: number, image: RawImage, label: string): void {
    const { thumbWidth, thumbHeight } = sheetLayout(this.count, this.width, this.height);
    const data = Buffer.from(image.data);
    this.labels.set(index, label);
    this.thumbs.set(index, sharp(data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(thumbWidth, thumbHeight, { fit: 'fill', kernel: 'lanczos3' }).png().toBuffer());
  }

  /** Writes the sheet (keyframes in index order, missing ones left blank). */
  async write(path: string): Promise<void> {
    const l = sheetLayout(this.count, this.width, this.height);
    const layers: sharp.OverlayOptions[] = [];
    const texts: string[] = [];
    for (let i = 0; i < this.count; i++) {
      const left = l.gap + (i % l.columns) * (l.thumbWidth + l.gap);
      const top = l.gap + Math.floor(i / l.columns) * (l.thumbHeight + l.label + l.gap);
      const thumb = this.thumbs.get(i);
      if (thumb) layers.push({ input: await thumb, left, top });
      const text = this.labels.get(i) ?? String(i);
      texts.push(`<text x="${left + 2}" y="${top + l.thumbHeight + 15}">${escapeXml(text)}</text>`);
    }
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}"><g font-family="sans-serif" font-size="13" fill="#e0e0e0">${texts.join('')}</g></svg>`;
    layers.push({ input: Buffer.from(svg), left: 0, top: 0 });
    await mkdir(dirname(path), { recursive: true });
    await sharp({ create: { width: l.width, height: l.height, channels: 3, background: { r: 32, g: 32, b: 32 } } }).composite(layers).removeAlpha().png().toFile(path);
  }
}
