/**
 * The scale pyramid a refinement runs over: per level the target (float RGB), which pixels may
 * change, the centres of patches that touch them, and each source's valid patch centres.
 */
import { halve, integral, rectSum, type Raster } from './raster.js';
import type { RefineJob } from './refine-job.js';

/** A source at one level: its pixels and where a whole patch of known pixels is centred. */
export interface Src {
  w: number;
  h: number;
  d: Uint8Array;
  valid: Uint8Array;
  minRow: number;
  maxRow: number;
  /** 1 where the patch centre is a pixel earlier steps generated (null: none is). */
  gen: Uint8Array | null;
}

/** One scale of the refinement; level 0 is full resolution, `scale` = 2^level. */
export interface Level {
  w: number;
  h: number;
  scale: number;
  T: Float32Array;
  E: Uint8Array;
  centres: Int32Array;
  srcs: Src[];
}

/** Halves the crop, its editable mask and the sources down to `job.levels` levels (or until patches no longer fit). */
export function buildPyramid(job: RefineJob, r: number): Level[] {
  let img: Raster = { width: job.width, height: job.height, ch: 3, data: job.image };
  let ed: Raster = { width: job.width, height: job.height, ch: 1, data: job.editable };
  let srcs = job.sources.map((s) => ({
    img: { width: s.width, height: s.height, ch: 3, data: s.data } as Raster,
    known: { width: s.width, height: s.height, ch: 1, data: s.known } as Raster,
    gen: s.gen?.some((v) => v !== 0) ? ({ width: s.width, height: s.height, ch: 1, data: s.gen } as Raster) : null,
  }));
  const out: Level[] = [];
  for (let l = 0; l < job.levels; l++) {
    if (l > 0) {
      if (Math.min(img.width, img.height) / 2 < 4 * r + 2) break;
      img = halve(img);
      ed = halve(ed, 'any');
      srcs = srcs.map((s) => ({ img: halve(s.img), known: halve(s.known, 'all'), gen: s.gen ? halve(s.gen, 'any') : null }));
    }
    const T = new Float32Array(img.data.length);
    for (let i = 0; i < T.length; i++) T[i] = img.data[i]!;
    out.push({ w: img.width, h: img.height, scale: 1 << l, T, E: ed.data, centres: targetCentres(ed, r), srcs: srcs.map((s) => ({ ...validCentres(s.img, s.known, r), gen: s.gen?.data ?? null })) });
  }
  return out;
}

/** Centres of all patches that touch an editable pixel and lie fully inside the crop. */
function targetCentres(ed: Raster, r: number): Int32Array {
  const { width: w, height: h } = ed;
  const s = integral(ed.data, w, h);
  const list: number[] = [];
  for (let y = r; y < h - r; y++) {
    for (let x = r; x < w - r; x++) if (rectSum(s, w, x - r, y - r, x + r + 1, y + r + 1) > 0) list.push(y * w + x);
  }
  return Int32Array.from(list);
}

function validCentres(img: Raster, known: Raster, r: number): Omit<Src, 'gen'> {
  const { width: w, height: h } = img;
  const kd = known.data;
  // A centre is valid when its whole (2r+1)² patch is known: per row, how many of the 2r+1 pixels
  // centred at x are known (a sliding count), then per column how many of the 2r+1 rows centred
  // at y are full. Two passes of counters instead of a whole-source summed-area table.
  const span = 2 * r + 1;
  const full = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let run = 0;
    for (let x = 0; x < w; x++) {
      run = kd[o + x] ? run + 1 : 0;
      // run ≥ span at x: pixels [x − 2r, x] are known, so the centre x − r is full in this row.
      if (run >= span) full[o + x - r] = 1;
    }
  }
  const valid = new Uint8Array(w * h);
  const cnt = new Uint16Array(w);
  let minRow = h, maxRow = -1;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    let any = false;
    for (let x = 0; x < w; x++) {
      cnt[x] = full[o + x] ? cnt[x]! + 1 : 0;
      if (cnt[x]! >= span) {
        valid[o - r * w + x] = 1;
        any = true;
      }
    }
    if (any) {
      if (y - r < minRow) minRow = y - r;
      maxRow = y - r;
    }
  }
  return { w, h, d: img.data, valid, minRow, maxRow };
}
