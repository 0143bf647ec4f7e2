import type { RawImage } from '../image/raw.js';
import type { AxisTaps } from './taps.js';

/**
 * The per-row work of the separable resampler, behind one interface so the compositor
 * runs on WebAssembly SIMD where available and on plain JS otherwise (same results
 * within one grey level). Calls follow a fixed order: beginFrame, then per layer
 * beginLayer, rows of hrow/hshift, rows of vrow; then endFrame.
 */
export interface RowKernel {
  readonly name: string;
  beginFrame(frame: Uint8Array, clear: boolean): void;
  beginLayer(image: RawImage, tx: AxisTaps, sourceRows: number, columns: number, alphaX: Float32Array | null): void;
  /** Horizontal pass of source row `srcRow` into buffer row `k`, output columns [from, to). */
  hrow(srcRow: number, k: number, from: number, to: number): void;
  /** Same for a pure translation: shared weights, consecutive pixels from source column `first`. */
  hshift(srcRow: number, k: number, first: number, weights: Float32Array, from: number, to: number): void;
  /** Vertical pass into frame row `y` from column `x0`: buffer rows `rows` (indices) with `weights`. */
  vrow(y: number, x0: number, rows: Int32Array, weights: Float32Array, taps: number, from: number, to: number, useAlphaX: boolean, alphaY: number): void;
  endFrame(frame: Uint8Array): void;
}
