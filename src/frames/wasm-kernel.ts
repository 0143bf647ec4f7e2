import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RawImage } from '../image/raw.js';
import type { RowKernel } from './kernel.js';
import type { AxisTaps } from './taps.js';

/** Built by `npm run build:wasm` from assembly/resample.ts. */
const WASM_PATH = fileURLToPath(new URL('../../build/resample.wasm', import.meta.url));

interface Exports {
  memory: WebAssembly.Memory;
  expand(src: number, dst: number, width: number, height: number, pad: number): void;
  hrow(src: number, rowBase: number, off: number, w: number, taps: number, buf: number, from: number, to: number): void;
  hshift(src: number, rowBase: number, first: number, w: number, buf: number, from: number, to: number): void;
  vrow(buf: number, rows: number, weights: number, taps: number, out: number, from: number, to: number, alphaX: number, alphaY: number): void;
}

// Kernels read a few bytes past an image or row: every block is padded.
const PAD = 64;
const PAGE = 65536;
// Edge pixels replicated on each side of an expanded row: more than the widest kernel's reach.
const PAD_PX = 8;

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel module, or null when it is not built or this runtime lacks SIMD. */
function wasmModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = existsSync(WASM_PATH) ? new WebAssembly.Module(readFileSync(WASM_PATH)) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** True when the SIMD kernel can be used here. */
export function wasmAvailable(): boolean {
  return wasmModule() !== null;
}

interface Block {
  offset: number;
  capacity: number;
}

/** A layer image held in linear memory; reused for another image once a frame no longer needs it. */
interface ImageSlot extends Block {
  owner: Uint8Array | null;
  lastFrame: number;
}

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
  private readonly x: Exports;
  private top = PAD;
  private bytes: Uint8Array;
  private i32 = new Int32Array(0);
  private f32 = new Float32Array(0);
  private frameNo = 0;
  private readonly slots: ImageSlot[] = [];
  private readonly blocks = new Map<string, Block>();
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

  constructor(private readonly width: number, private readonly height: number) {
    const mod = wasmModule();
    if (!mod) throw new Error('the WebAssembly resampler is not built (npm run build:wasm)');
    this.x = new WebAssembly.Instance(mod, {}).exports as unknown as Exports;
    this.bytes = new Uint8Array(0);
    this.views();
  }

  /** Views over linear memory; growing memory detaches them, so they are remade then. */
  private views(): void {
    if (this.bytes.buffer === this.x.memory.buffer) return;
    this.bytes = new Uint8Array(this.x.memory.buffer);
    this.i32 = new Int32Array(this.x.memory.buffer);
    this.f32 = new Float32Array(this.x.memory.buffer);
  }

  private alloc(bytes: number): number {
    const offset = this.top;
    this.top += Math.ceil((bytes + PAD) / 16) * 16;
    const need = this.top - this.x.memory.buffer.byteLength;
    if (need > 0) this.x.memory.grow(Math.ceil(need / PAGE));
    this.views();
    return offset;
  }

  /** A named scratch block of at least `bytes`, reallocated only when it must grow. */
  private block(name: string, bytes: number): number {
    const b = this.blocks.get(name);
    if (b && b.capacity >= bytes) return b.offset;
    const fresh = { offset: this.alloc(bytes), capacity: bytes };
    this.blocks.set(name, fresh);
    return fresh.offset;
  }

  private put(name: string, data: Int32Array | Float32Array): number {
    const at = this.block(name, data.byteLength);
    this.bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return at;
  }

  private imageSlot(img: RawImage): number {
    const hit = this.slots.find((s) => s.owner === img.data);
    if (hit) {
      hit.lastFrame = this.frameNo;
      return hit.offset;
    }
    const size = (img.width + 2 * PAD_PX) * img.height * 16;
    const full = (this.width + 2 * PAD_PX) * this.height * 16;
    const free = this.slots.filter((s) => s.capacity >= size && s.lastFrame < this.frameNo).sort((a, b) => a.lastFrame - b.lastFrame)[0];
    const slot = free ?? { offset: this.alloc(Math.max(size, full)), capacity: Math.max(size, full), owner: null, lastFrame: 0 };
    if (!free) this.slots.push(slot);
    slot.owner = img.data;
    slot.lastFrame = this.frameNo;
    // Stage the bytes in the frame-sized scratch, then widen them to f32x4 in place.
    const stage = this.block('stage', img.data.length);
    this.bytes.set(img.data, stage);
    this.x.expand(stage, slot.offset, img.width, img.height, PAD_PX);
    return slot.offset;
  }

  beginFrame(_frame: Uint8Array, clear: boolean): void {
    this.frameNo++;
    this.frameAt = this.block('frame', this.width * this.height * 3);
    if (clear) this.bytes.fill(0, this.frameAt, this.frameAt + this.width * this.height * 3);
  }

  beginLayer(image: RawImage, tx: AxisTaps, sourceRows: number, columns: number, alphaX: Float32Array | null): void {
    this.srcAt = this.imageSlot(image);
    this.srcRowBytes = (image.width + 2 * PAD_PX) * 16;
    this.padding = PAD_PX * 16;
    this.rowLen = columns * 3;
    this.bufAt = this.block('buf', sourceRows * this.rowLen * 4);
    const n = tx.offset.length;
    if (this.offsets.length < tx.count) this.offsets = new Int32Array(tx.count);
    if (this.splat.length < n * 4) this.splat = new Float32Array(n * 4);
    for (let u = 0; u < tx.count; u++) {
      // Unclamped first tap, shifted into the padded row: the kernel reads `taps` pixels from there.
      if (tx.start[u]! < -PAD_PX || tx.start[u]! + tx.taps > image.width + PAD_PX) throw new Error('resampling kernel wider than the row padding');
      this.offsets[u] = (tx.start[u]! + PAD_PX) * 16;
    }
    for (let i = 0; i < n; i++) this.splat.fill(tx.weight[i]!, i * 4, i * 4 + 4);
    this.offAt = this.put('offsets', this.offsets.subarray(0, tx.count));
    this.wAt = this.put('weights', this.splat.subarray(0, n * 4));
    this.taps = tx.taps;
    if (alphaX) {
      if (this.expanded.length < alphaX.length * 3) this.expanded = new Float32Array(alphaX.length * 3);
      this.alphaAt = this.put('alphaX', perChannel(alphaX, this.expanded));
    } else {
      this.alphaAt = 0;
    }
    this.rowsAt = this.block('rows', 64);
    this.weightsAt = this.block('vweights', 64);
    this.shiftAt = this.block('shift', 64);
  }

  hrow(srcRow: number, k: number, from: number, to: number): void {
    this.x.hrow(this.srcAt, srcRow * this.srcRowBytes, this.offAt, this.wAt, this.taps, this.bufAt + k * this.rowLen * 4, from, to);
  }

  hshift(srcRow: number, k: number, first: number, weights: Float32Array, from: number, to: number): void {
    for (let t = 0; t < 4; t++) this.f32.fill(weights[t]!, (this.shiftAt >> 2) + t * 4, (this.shiftAt >> 2) + t * 4 + 4);
    this.x.hshift(this.srcAt, srcRow * this.srcRowBytes + this.padding, first, this.shiftAt, this.bufAt + k * this.rowLen * 4, from, to);
  }

  vrow(y: number, x0: number, rows: Int32Array, weights: Float32Array, taps: number, from: number, to: number, useAlphaX: boolean, alphaY: number): void {
    const i32 = this.i32;
    const f32 = this.f32;
    for (let t = 0; t < taps; t++) {
      i32[(this.rowsAt >> 2) + t] = rows[t]! * this.rowLen * 4;
      f32[(this.weightsAt >> 2) + t] = weights[t]!;
    }
    this.x.vrow(this.bufAt, this.rowsAt, this.weightsAt, taps, this.frameAt + (y * this.width + x0) * 3, from, to, useAlphaX ? this.alphaAt : 0, alphaY);
  }

  endFrame(frame: Uint8Array): void {
    frame.set(this.bytes.subarray(this.frameAt, this.frameAt + frame.length));
  }
}
