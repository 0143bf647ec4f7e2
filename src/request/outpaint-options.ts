import { ValidationError } from '../errors.js';
import { LIMITS } from './limits.js';

/** Where the input goes on the output canvas of a single outpaint. */
export interface CanvasPlacement {
  readonly width: number;
  readonly height: number;
  /** Top-left of the input image on the canvas (may be negative: the image is then cropped). */
  readonly x: number;
  readonly y: number;
}

/** The ways a single-outpaint request may say how big the result is. */
export interface PlacementOptions {
  readonly left?: number;
  readonly right?: number;
  readonly up?: number;
  readonly down?: number;
  readonly width?: number;
  readonly height?: number;
  readonly offsetX?: number;
  readonly offsetY?: number;
}

function int(name: string, v: number | undefined, min: number, max: number, issues: { path: string; message: string }[]): number {
  if (v === undefined) return 0;
  if (!Number.isInteger(v)) issues.push({ path: name, message: `${v} must be an integer` });
  else if (v < min) issues.push({ path: name, message: `${v} is below the minimum ${min}` });
  else if (v > max) issues.push({ path: name, message: `${v} is above the maximum ${max}` });
  return v;
}

/**
 * Resolves the canvas of a single outpaint: grow by --left/--right/--up/--down, or an explicit
 * --width/--height with the image centred unless --offset-x/--offset-y say otherwise.
 */
export function placeOnCanvas(imageWidth: number, imageHeight: number, o: PlacementOptions): CanvasPlacement {
  const issues: { path: string; message: string }[] = [];
  const grows = o.left !== undefined || o.right !== undefined || o.up !== undefined || o.down !== undefined;
  const sized = o.width !== undefined || o.height !== undefined;
  if (grows && sized) issues.push({ path: 'width', message: 'give either --left/--right/--up/--down or --width/--height, not both' });
  const max = LIMITS.maxSide;
  let placement: CanvasPlacement;
  if (sized) {
    const width = o.width === undefined ? imageWidth : int('width', o.width, 1, max, issues);
    const height = o.height === undefined ? imageHeight : int('height', o.height, 1, max, issues);
    const x = o.offsetX === undefined ? Math.floor((width - imageWidth) / 2) : int('offset_x', o.offsetX, -max, max, issues);
    const y = o.offsetY === undefined ? Math.floor((height - imageHeight) / 2) : int('offset_y', o.offsetY, -max, max, issues);
    placement = { width, height, x, y };
  } else {
    const left = int('left', o.left, 0, max, issues);
    const right = int('right', o.right, 0, max, issues);
    const up = int('up', o.up, 0, max, issues);
    const down = int('down', o.down, 0, max, issues);
    placement = { width: imageWidth + left + right, height: imageHeight + up + down, x: left, y: up };
  }
  if (issues.length === 0 && (placement.width > max || placement.height > max)) {
    issues.push({ path: placement.width > max ? 'width' : 'height', message: `the canvas would be ${placement.width}×${placement.height}; the maximum side is ${max}` });
  }
  const overlapsX = placement.x < placement.width && placement.x + imageWidth > 0;
  const overlapsY = placement.y < placement.height && placement.y + imageHeight > 0;
  if (issues.length === 0 && !(overlapsX && overlapsY)) {
    issues.push({ path: 'offset_x', message: `the image at (${placement.x}, ${placement.y}) does not overlap the ${placement.width}×${placement.height} canvas` });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return placement;
}
