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
  const s = integral(known.data, w, h);
  const valid = new Uint8Array(w * h);
  const full = (2 * r + 1) * (2 * r + 1);
  let minRow = h, maxRow = -1;
  for (let y = r; y < h - r; y++) {
    for (let x = r; x < w - r; x++) {
      if (rectSum(s, w, x - r, y - r, x + r + 1, y + r + 1) === full) {
        valid[y * w + x] = 1;
        if (y < minRow) minRow = y;
        maxRow = y;
      }
    }
  }
  return { w, h, d: img.data, valid, minRow, maxRow };
}
