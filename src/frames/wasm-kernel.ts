import type { RawImage } from '../image/raw.js';
import type { RowKernel } from './row-kernel.js';
import type { AxisTaps } from './taps.js';
import { claimSlot, WasmArena, type ImageSlot } from './wasm-arena.js';

export { wasmAvailable } from './wasm-arena.js';

// Edge pixels replicated on each side of an expanded row: more than the widest kernel's reach.
const PAD_PX = 8;

/** Repeats each pixel's opacity for its three channels, so the kernel blends four lanes at once. */
function perChannel(alpha: Float32Array, scratch: Float32Array): Float32Array {
  const out = scratch.subarray(0, alpha.length * 3);
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]!;
    out[i * 3] = a;
    out[i * 3 + 1] = a;
    out[i * 3 + 2] = a;
  }
  return out;
}

/**
 * The WebAssembly SIMD kernel. Linear memory holds the frame, the horizontal buffer,
 * the tap tables and a few layer images; it grows to the largest frame seen and no further.
 */
export class WasmKernel implements RowKernel {
  readonly name = 'wasm-simd';
  private readonly arena = new WasmArena();
  private frameNo = 0;
  private readonly slots: ImageSlot[] = [];
  private frameAt = 0;
  private bufAt = 0;
  private rowLen = 0;
  private srcAt = 0;
  private srcRowBytes = 0;
  private padding = 0;
  private offAt = 0;
  private wAt = 0;
  private taps = 0;
  private alphaAt = 0;
  private rowsAt = 0;
  private weightsAt = 0;
  private shiftAt = 0;
  private expanded = new Float32Array(0);
  private offsets = new Int32Array(0);
  private splat = new Float32Array(0);

  constructor(private readonly width: number, private readonly height: number) {}

  private imageSlot(img: RawImage): number {
    const size = (img.width + 2 * PAD_PX) * img.height * 16;
    const full = (this.width + 2 * PAD_PX) * this.height * 16;
    const { slot, hit } = claimSlot(this.arena, this.slots, img.data, size, full, this.frameNo);
    if (hit) return slot.offset;
    // Stage the bytes in the frame-sized scratch, then widen them to f32x4 in place.
    const stage = this.arena.put('stage', img.data);
    this.arena.x.expand(stage, slot.offset, img.width, img.height, PAD_PX);
    return slot.offset;
  }

  beginFrame(_frame: Uint8Array, clear: boolean): void {
    this.frameNo++;
    this.frameAt = this.arena.block('frame', this.width * this.height * 3);
    if (clear) this.arena.bytes.fill(0, this.frameAt, this.frameAt + this.width * this.height * 3);
  }

  beginLayer(image: RawImage, tx: AxisTaps, sourceRows: number, columns: number, alphaX: Float32Array | null): void {
    this.srcAt = this.imageSlot(image);
    this.srcRowBytes = (image.width + 2 * PAD_PX) * 16;
    this.padding = PAD_PX * 16;
    this.rowLen = columns * 3;
    this.bufAt = this.arena.block('buf', sourceRows * this.rowLen * 4);
    const n = tx.offset.length;
    if (this.offsets.length < tx.count) this.offsets = new Int32Array(tx.count);
    if (this.splat.length < n * 4) this.splat = new Float32Array(n * 4);
    for (let u = 0; u < tx.count; u++) {
      // Unclamped first tap, shifted into the padded row: the kernel reads `taps` pixels from there.
      if (tx.start[u]! < -PAD_PX || tx.start[u]! + tx.taps > image.width + PAD_PX) throw new Error('resampling kernel wider than the row padding');
      this.offsets[u] = (tx.start[u]! + PAD_PX) * 16;
    }
    for (let i = 0; i < n; i++) this.splat.fill(tx.weight[i]!, i * 4, i * 4 + 4);
    this.offAt = this.arena.put('offsets', this.offsets.subarray(0, tx.count));
    this.wAt = this.arena.put('weights', this.splat.subarray(0, n * 4));
    this.taps = tx.taps;
    if (alphaX) {
      if (this.expanded.length < alphaX.length * 3) this.expanded = new Float32Array(alphaX.length * 3);
      this.alphaAt = this.arena.put('alphaX', perChannel(alphaX, this.expanded));
    } else {
      this.alphaAt = 0;
    }
    this.rowsAt = this.arena.block('rows', 64);
    this.weightsAt = this.arena.block('vweights', 64);
    this.shiftAt = this.arena.block('shift', 64);
  }

  hrow(srcRow: number, k: number, from: number, to: number): void {
    this.arena.x.hrow(this.srcAt, srcRow * this.srcRowBytes, this.offAt, this.wAt, this.taps, this.bufAt + k * this.rowLen * 4, from, to);
  }

  hshift(srcRow: number, k: number, first: number, weights: Float32Array, from: number, to: number): void {
    for (let t = 0; t < 4; t++) this.arena.f32.fill(weights[t]!, (this.shiftAt >> 2) + t * 4, (this.shiftAt >> 2) + t * 4 + 4);
    this.arena.x.hshift(this.srcAt, srcRow * this.srcRowBytes + this.padding, first, this.shiftAt, this.bufAt + k * this.rowLen * 4, from, to);
  }

  vrow(y: number, x0: number, rows: Int32Array, weights: Float32Array, taps: number, from: number, to: number, useAlphaX: boolean, alphaY: number): void {
    const i32 = this.arena.i32;
    const f32 = this.arena.f32;
    for (let t = 0; t < taps; t++) {
      i32[(this.rowsAt >> 2) + t] = rows[t]! * this.rowLen * 4;
      f32[(this.weightsAt >> 2) + t] = weights[t]!;
    }
    this.arena.x.vrow(this.bufAt, this.rowsAt, this.weightsAt, taps, this.frameAt + (y * this.width + x0) * 3, from, to, useAlphaX ? this.alphaAt : 0, alphaY);
  }

  endFrame(frame: Uint8Array): void {
    frame.set(this.arena.bytes.subarray(this.frameAt, this.frameAt + frame.length));
  }
}
