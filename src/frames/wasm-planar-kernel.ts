import type { RawImage } from '../image/raw.js';
import type { LayerDraw, PlaneSize } from './layer-draw.js';
import { claimSlot, WasmArena, type ImageSlot } from './wasm-arena.js';
import { yuvFrameBytes } from './yuv.js';

// Edge samples replicated on each side of a plane row: more than the widest kernel's reach.
const PAD = 8;
// Horizontal rows kept for the vertical pass: at least the widest kernel's taps (8).
const RING_ROWS = 16;

/** yuv420p black (limited range), for frames the bottom layer does not cover. */
const BLACK = [16, 128, 128] as const;

/**
 * Composites yuv420p frames on the WebAssembly SIMD kernel: each layer level is converted
 * once to padded f32 Y/U/V planes, and each plane of a frame takes one call per layer that
 * runs both resampling passes row by row inside WebAssembly.
 */
export class WasmPlanarKernel {
  private readonly arena = new WasmArena();
  private readonly slots: ImageSlot[] = [];
  private frameNo = 0;
  private frameAt = 0;
  private offsets = new Int32Array(0);
  private weights = new Float32Array(0);
  private readonly params = new Int32Array(27);

  /** Y, U, V planes, and where each starts in a frame. */
  private readonly layout: readonly PlaneSize[];
  private readonly planeStart: readonly number[];

  constructor(private readonly width: number, private readonly height: number) {
    const c = { width: width >> 1, height: height >> 1, sub: 2 } as const;
    this.layout = [{ width, height, sub: 1 }, c, c];
    this.planeStart = [0, width * height, width * height + c.width * c.height];
  }

  /** The output planes of a frame: Y at full size, then U and V at half. */
  planes(): readonly PlaneSize[] {
    return this.layout;
  }

  beginFrame(clear: boolean): void {
    this.frameNo++;
    this.frameAt = this.arena.block('frame', yuvFrameBytes(this.width, this.height));
    if (!clear) return;
    this.layout.forEach((p, i) => {
      const at = this.frameAt + this.planeStart[i]!;
      this.arena.bytes.fill(BLACK[i]!, at, at + p.width * p.height);
    });
  }

  /** Offsets of the image's Y, U and V planes in linear memory, converting them on first use. */
  private planeSlots(img: RawImage): number[] {
    const cw = Math.ceil(img.width / 2);
    const ch = Math.ceil(img.height / 2);
    const ySize = (img.width + 2 * PAD) * img.height * 4;
    const cSize = (cw + 2 * PAD) * ch * 4;
    const full = (this.width + 2 * PAD) * this.height * 4 + 2 * ((this.width >> 1) + 2 * PAD) * (this.height >> 1) * 4;
    const { slot, hit } = claimSlot(this.arena, this.slots, img.data, ySize + 2 * cSize, full, this.frameNo);
    const at = [slot.offset, slot.offset + ySize, slot.offset + ySize + cSize];
    if (!hit) {
      const stage = this.arena.put('stage', img.data);
      this.arena.x.expandYuv(stage, img.width, img.height, PAD, at[0]!, at[1]!, at[2]!);
    }
    return at;
  }

  /** Draws one layer into the planes `indices` (0 Y, 1 U, 2 V) of the same geometry `plane`. */
  drawLayer(d: LayerDraw, indices: readonly number[], plane: PlaneSize): void {
    const { arena } = this;
    const slots = this.planeSlots(d.image);
    const stride = (d.srcWidth + 2 * PAD) * 4;
    const nc = d.cols.hi - d.cols.lo;
    const nr = d.rows.hi - d.rows.lo;
    const { tx, ty } = d;
    if (tx.taps > 8) throw new Error(`resampling kernel of ${tx.taps} taps is wider than the planar kernel's 8`);
    const t4 = tx.taps <= 4 ? 4 : 8;

    let offAt = 0;
    let wtAt = 0;
    let swAt = 0;
    let first = 0;
    if (d.shift) {
      first = d.shift.first + PAD;
      swAt = arena.put('shiftWeights', d.shift.weights);
      if (d.shift.first < -PAD || d.shift.first + nc + 3 > d.srcWidth + PAD) throw new Error('resampling kernel wider than the row padding');
    } else {
      if (this.offsets.length < nc) this.offsets = new Int32Array(nc);
      if (this.weights.length < nc * t4) this.weights = new Float32Array(nc * t4);
      const w = this.weights.subarray(0, nc * t4).fill(0);
      for (let u = 0; u < nc; u++) {
        const s = tx.start[u]!;
        if (s < -PAD || s + t4 > d.srcWidth + PAD) throw new Error('resampling kernel wider than the row padding');
        this.offsets[u] = (s + PAD) * 4;
        for (let t = 0; t < tx.taps; t++) w[u * t4 + t] = tx.weight[u * tx.taps + t]!;
      }
      offAt = arena.put('offsets', this.offsets.subarray(0, nc));
      wtAt = arena.put('hweights', w);
    }
    const needAt = arena.put('needMiddle', d.needMiddle);
    const TY = ty.taps;
    // Rows stay absolute source indices: the kernel keeps horizontal rows in a ring by index.
    const rowsAt = arena.put('rowIdx', ty.offset);
    const vwAt = arena.put('vweights', ty.weight);
    const axAt = d.alphaX ? arena.put('alphaX', d.alphaX) : 0;
    const ayAt = d.alphaY ? arena.put('alphaY', d.alphaY) : 0;
    const ringAt = arena.block('ring', RING_ROWS * nc * 4);
    const hole = d.hole;
    for (const index of indices) {
      const planeAt = this.frameAt + this.planeStart[index]!;
      const p = this.params;
      p[0] = slots[index]!;
      p[1] = stride;
      p[2] = d.srcLo;
      p[3] = offAt;
      p[4] = wtAt;
      p[5] = t4;
      p[6] = d.shift ? 1 : 0;
      p[7] = first;
      p[8] = swAt;
      p[9] = needAt;
      p[10] = nc;
      p[11] = rowsAt;
      p[12] = vwAt;
      p[13] = TY;
      p[14] = nr;
      p[15] = planeAt + d.rows.lo * plane.width + d.cols.lo;
      p[16] = plane.width;
      p[17] = hole?.rows.lo ?? 0;
      p[18] = hole?.rows.hi ?? 0;
      p[19] = hole?.cols.lo ?? 0;
      p[20] = hole?.cols.hi ?? 0;
      p[21] = d.solid.lo;
      p[22] = d.solid.hi;
      p[23] = axAt;
      p[24] = ayAt;
      p[25] = ringAt;
      p[26] = RING_ROWS;
      arena.x.drawPlane(arena.put('params', p));
    }
  }

  endFrame(frame: Uint8Array): void {
    frame.set(this.arena.bytes.subarray(this.frameAt, this.frameAt + frame.length));
  }
}
