import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Built by `npm run build:wasm` from assembly/resample.ts. */
const WASM_PATH = fileURLToPath(new URL('../../build/resample.wasm', import.meta.url));

/** The kernel module's exports (assembly/resample.ts and assembly/planes.ts). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  expand(src: number, dst: number, width: number, height: number, pad: number): void;
  hrow(src: number, rowBase: number, off: number, w: number, taps: number, buf: number, from: number, to: number): void;
  hshift(src: number, rowBase: number, first: number, w: number, buf: number, from: number, to: number): void;
  vrow(buf: number, rows: number, weights: number, taps: number, out: number, from: number, to: number, alphaX: number, alphaY: number): void;
  expandYuv(src: number, width: number, height: number, pad: number, dstY: number, dstU: number, dstV: number): void;
  /** One layer into one plane, both passes fused; parameters as i32 at `params` (assembly/planes.ts). */
  drawPlane(params: number): void;
}

// Kernels read a few bytes past an image or row: every block is padded.
const PAD = 64;
const PAGE = 65536;

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

/**
 * One kernel instance and its linear memory, handed out as named scratch blocks that are
 * reallocated only when they must grow. Memory grows to the largest frame seen and no further.
 */
export class WasmArena {
  readonly x: KernelExports;
  bytes = new Uint8Array(0);
  i32 = new Int32Array(0);
  f32 = new Float32Array(0);
  private top = PAD;
  private readonly blocks = new Map<string, { offset: number; capacity: number }>();

  constructor() {
    const mod = wasmModule();
    if (!mod) throw new Error('the WebAssembly resampler is not built (npm run build:wasm)');
    this.x = new WebAssembly.Instance(mod, {}).exports as unknown as KernelExports;
    this.views();
  }

  /** Views over linear memory; growing memory detaches them, so they are remade then. */
  private views(): void {
    if (this.bytes.buffer === this.x.memory.buffer) return;
    this.bytes = new Uint8Array(this.x.memory.buffer);
    this.i32 = new Int32Array(this.x.memory.buffer);
    this.f32 = new Float32Array(this.x.memory.buffer);
  }

  /** A fresh block of `bytes` (16-byte aligned, padded). */
  alloc(bytes: number): number {
    const offset = this.top;
    this.top += Math.ceil((bytes + PAD) / 16) * 16;
    const need = this.top - this.x.memory.buffer.byteLength;
    if (need > 0) this.x.memory.grow(Math.ceil(need / PAGE));
    this.views();
    return offset;
  }

  /**
   * A named scratch block of at least `bytes`. A block that must grow is reallocated at a
   * power-of-two size (the old one is not reused), so what is left behind stays below the
   * largest size seen, however many slightly larger requests come one after another.
   */
  block(name: string, bytes: number): number {
    const b = this.blocks.get(name);
    if (b && b.capacity >= bytes) return b.offset;
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(64, bytes)));
    const fresh = { offset: this.alloc(capacity), capacity };
    this.blocks.set(name, fresh);
    return fresh.offset;
  }

  /** Copies typed data into the named block and returns its offset. */
  put(name: string, data: Int32Array | Float32Array | Uint8Array): number {
    const at = this.block(name, data.byteLength);
    this.bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return at;
  }
}

/** A layer image held in linear memory; reused for another image once a frame no longer needs it. */
export interface ImageSlot {
  offset: number;
  capacity: number;
  owner: Uint8Array | null;
  lastFrame: number;
}

/**
 * The slot holding `owner` (hit = true), or a free slot of at least `size` bytes from `slots`
 * (least recently used first, never one used by the current frame), or a new one of
 * `allocSize` bytes (at least `size`; larger so later, bigger images can reuse it).
 */
export function claimSlot(arena: WasmArena, slots: ImageSlot[], owner: Uint8Array, size: number, allocSize: number, frameNo: number): { slot: ImageSlot; hit: boolean } {
  const hit = slots.find((s) => s.owner === owner);
  if (hit) {
    hit.lastFrame = frameNo;
    return { slot: hit, hit: true };
  }
  const free = slots.filter((s) => s.capacity >= size && s.lastFrame < frameNo).sort((a, b) => a.lastFrame - b.lastFrame)[0];
  const capacity = Math.max(size, allocSize);
  const slot = free ?? { offset: arena.alloc(capacity), capacity, owner: null, lastFrame: 0 };
  if (!free) slots.push(slot);
  slot.owner = owner;
  slot.lastFrame = frameNo;
  return { slot, hit: false };
}
