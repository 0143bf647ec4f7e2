import type { RawImage } from '../image/raw.js';
import { horizontalRow, horizontalShift, verticalRow } from './passes.js';
import type { RowKernel } from './row-kernel.js';
import type { AxisTaps } from './taps.js';

/** The plain-JS kernel: the reference implementation, and the fallback without WebAssembly SIMD. */
export class JsKernel implements RowKernel {
  readonly name = 'js';
  private out: Uint8ClampedArray = new Uint8ClampedArray(0);
  private width = 0;
  private buf = new Float32Array(0);
  private rowLen = 0;
  private image: RawImage | null = null;
  private tx: AxisTaps | null = null;
  private alphaX: Float32Array | null = null;
  private readonly rowOffsets = new Int32Array(16);

  constructor(private readonly frameWidth: number) {}

  beginFrame(frame: Uint8Array, clear: boolean): void {
    // A clamped view rounds and saturates cubic overshoot instead of wrapping modulo 256.
    this.out = new Uint8ClampedArray(frame.buffer, frame.byteOffset, frame.length);
    this.width = this.frameWidth;
    if (clear) this.out.fill(0);
  }

  beginLayer(image: RawImage, tx: AxisTaps, sourceRows: number, columns: number, alphaX: Float32Array | null): void {
    this.image = image;
    this.tx = tx;
    this.alphaX = alphaX;
    this.rowLen = columns * 3;
    if (this.buf.length < sourceRows * this.rowLen) this.buf = new Float32Array(sourceRows * this.rowLen);
  }

  hrow(srcRow: number, k: number, from: number, to: number): void {
    const tx = this.tx!;
    horizontalRow(this.image!.data, srcRow * this.image!.width * 3, tx.offset, tx.weight, tx.taps, this.buf, k * this.rowLen, from, to);
  }

  hshift(srcRow: number, k: number, first: number, weights: Float32Array, from: number, to: number): void {
    horizontalShift(this.image!.data, srcRow * this.image!.width * 3, first, weights, this.buf, k * this.rowLen, from, to);
  }

  vrow(y: number, x0: number, rows: Int32Array, weights: Float32Array, taps: number, from: number, to: number, useAlphaX: boolean, alphaY: number): void {
    for (let t = 0; t < taps; t++) this.rowOffsets[t] = rows[t]! * this.rowLen;
    verticalRow(this.buf, this.rowOffsets, weights, taps, this.out, (y * this.width + x0) * 3, from, to, useAlphaX ? this.alphaX : null, alphaY);
  }

  endFrame(): void {
    this.out = new Uint8ClampedArray(0);
  }
}
