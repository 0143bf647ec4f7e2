/** An 8-bit interleaved RGB image held in memory; the unit every stage exchanges. */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  readonly data: Uint8Array;
}

/** Allocates a black RGB image. */
export function createImage(width: number, height: number): RawImage {
  return { width, height, channels: 3, data: new Uint8Array(width * height * 3) };
}

/** Deep copy, so a caller can mutate without touching the source. */
export function cloneImage(img: RawImage): RawImage {
  return { width: img.width, height: img.height, channels: 3, data: img.data.slice() };
}
