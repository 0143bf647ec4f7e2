/** What one PatchMatch/EM refinement (patchmatch.ts) works on: plain data, so it can be posted to a worker. */

/** A source of patches: RGB pixels and which of them are genuine (known) content. */
export interface RefineSource {
  width: number;
  height: number;
  data: Uint8Array;
  known: Uint8Array;
}

/** One unit of refinement work; plain data so it can be posted to a worker. */
export interface RefineJob {
  width: number;
  height: number;
  image: Uint8Array;
  editable: Uint8Array;
  /** Crop origin in the sources' frame: a target at crop (x, y) prefers source rows near y + oy. */
  ox: number;
  oy: number;
  sources: RefineSource[];
  /** 'rows': search only rows within ±maxShift (bands along a side); 'none': anywhere. */
  axis: 'rows' | 'none';
  maxShift: number;
  levels: number;
  emIters: number;
  pmIters: number;
  patchR: number;
  seed: number;
}
