import sharp from 'sharp';
import type { RawImage } from '../../src/image/raw.js';

/** Four solid quadrants, as stored: top-left red, top-right green, bottom-left blue, bottom-right yellow. */
const QUADRANTS = [
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 0],
] as const;

/** A w×h (as stored) JPEG of four coloured quadrants tagged EXIF orientation 6: a viewer shows it turned 90° clockwise, h×w. */
export async function orientation6Jpeg(width: number, height: number): Promise<Buffer> {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set(QUADRANTS[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)]!, (y * width + x) * 3);
    }
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}

/** What an orientation-6 picture looks like upright: its quadrant colours TL, TR, BL, BR (rotated 90° clockwise: stored BL is shown TL). */
export const UPRIGHT_QUADRANTS = [QUADRANTS[2], QUADRANTS[0], QUADRANTS[3], QUADRANTS[1]] as const;

/** Mean colour of the w/4×h/4 box around a point. */
function meanAround(img: RawImage, cx: number, cy: number, w: number, h: number): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.round(cy - h / 8); y < Math.round(cy + h / 8); y++) {
    for (let x = Math.round(cx - w / 8); x < Math.round(cx + w / 8); x++) {
      for (let c = 0; c < 3; c++) sum[c]! += img.data[(y * img.width + x) * 3 + c]!;
      n++;
    }
  }
  return sum.map((s) => s / n);
}

/** The mean colours of the four quadrants of the rectangle (x, y, w, h) of an image: TL, TR, BL, BR. */
export function quadrantColours(img: RawImage, x: number, y: number, w: number, h: number): number[][] {
  return [
    meanAround(img, x + w / 4, y + h / 4, w, h),
    meanAround(img, x + (3 * w) / 4, y + h / 4, w, h),
    meanAround(img, x + w / 4, y + (3 * h) / 4, w, h),
    meanAround(img, x + (3 * w) / 4, y + (3 * h) / 4, w, h),
  ];
}

/** The largest channel difference between measured quadrant colours and the upright ones. */
export function uprightError(colours: number[][]): number {
  return Math.max(...colours.flatMap((c, q) => c.map((v, i) => Math.abs(v - UPRIGHT_QUADRANTS[q]![i]!))));
}

/** Decodes an encoded image to RGB. */
export async function rgbOf(bytes: Buffer | string): Promise<RawImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}
