/**
 * The classical fill, independent of threading: plans the mask, quilts each band in its own view
 * (sides first, then top/bottom so corners come after both neighbours), and hands refinement
 * jobs to a runner that may use workers.
 */
import type { RawImage } from '../../image/raw.js';
import type { OutpaintTask } from '../types.js';
import { effortFor, type Effort } from './effort.js';
import type { Rect } from '../../walk/geometry.js';
import { binaryHole, planMask } from './maskplan.js';
import type { RefineJob, RefineSource } from './refine-job.js';
import { limitDetail, matchBandColour } from './lowfreq.js';
import { seamMembrane } from './membrane.js';
import { mirrorX, type Raster } from './raster.js';
import { fromView, toView, type Side } from './view.js';
import { pushPullFill } from './pushpull.js';
import { quiltLeftBand, type BandSpec } from './quilt.js';
import type { UsedRegistry } from './quilt-reuse.js';
import { prepareQuiltSources, quiltFactor } from './quilt-sources.js';
import { mulberry32, subSeed } from './rng.js';
import { correctSeam } from '../seam-colour.js';

/** Runs refinement jobs (possibly in parallel) and returns each job's refined crop. */
export type JobRunner = (jobs: RefineJob[]) => Promise<Uint8Array[]>;

export interface FillOptions {
  run: JobRunner;
  /** Throws AbortError when the caller gave up. */
  check: () => void;
  /** How many jobs to split each phase's refinement into (≈ worker count). */
  parts: number;
}

interface LibEntry {
  img: Raster;
  known: Raster;
}

/** Max rows a band's refinement may borrow from above or below. */
const MAX_SHIFT = 16;
/** Top/bottom bands: cost of fetching a block from the far side of the frame (see BandSpec.acrossW). */
const ACROSS_W = 1000;
/** How many recent keyframes join the source library. */
const HISTORY_SOURCES = 2;

/** Fills every mask≥128 pixel of the task's image; unmasked pixels come back unchanged. */
export async function classicalFill(task: OutpaintTask, opts: FillOptions): Promise<RawImage> {
  const { width: W, height: H } = task.image;
  const img: Raster = { width: W, height: H, ch: 3, data: task.image.data.slice() };
  const hole = binaryHole(task.mask);
  const fixed = new Uint8Array(W * H);
  for (let i = 0; i < fixed.length; i++) fixed[i] = hole[i] ? 0 : 1;
  const plan = planMask(hole, W, H);
  const seed = task.seed >>> 0;
  if (plan.kind === 'rect' || plan.kind === 'generic') {
    const lib = library(img, fixed, task.history ?? []);
    const effort = effortFor(task.steps, plan.kind === 'generic');
    if (plan.kind === 'rect') await fillRect(img, fixed, plan.known, lib, effort, seed, opts);
    else await fillGeneric(img, hole, plan.hole, lib, effort, seed, opts);
    // Fade over about half the band, within reason: long enough to hide a step, short enough to keep the fill's own colours.
    correctSeam(img, hole, Math.max(12, Math.min(48, Math.round(task.overlap * 1.5))));
  } else if (plan.kind === 'empty') {
    img.data.fill(128);
  }
  // Known pixels are restored byte for byte whatever happened above.
  const src = task.image.data;
  for (let p = 0; p < W * H; p++) {
    if (!fixed[p]) continue;
    img.data[p * 3] = src[p * 3]!;
    img.data[p * 3 + 1] = src[p * 3 + 1]!;
    img.data[p * 3 + 2] = src[p * 3 + 2]!;
  }
  return { width: W, height: H, channels: 3, data: img.data };
}

/** Source library: known pixels, their mirror, and the newest keyframes of the walk. */
function library(img: Raster, fixed: Uint8Array, history: readonly RawImage[]): LibEntry[] {
  const base: Raster = { ...img, data: img.data.slice() };
  const known: Raster = { width: img.width, height: img.height, ch: 1, data: fixed.slice() };
  const lib: LibEntry[] = [{ img: base, known }, { img: mirrorX(base), known: mirrorX(known) }];
  for (const h of history.slice(-HISTORY_SOURCES)) {
    if (h.width < 16 || h.height < 16 || h.data.length !== h.width * h.height * 3) continue;
    lib.push({ img: { width: h.width, height: h.height, ch: 3, data: h.data }, known: { width: h.width, height: h.height, ch: 1, data: new Uint8Array(h.width * h.height).fill(1) } });
  }
  return lib;
}

function bandSpec(side: Side, k: Rect, W: number, H: number): BandSpec {
  switch (side) {
    case 'left':
      return { bw: k.x0, r0: k.y0, r1: k.y1, knownW: k.x1 - k.x0 };
    case 'right':
      return { bw: W - k.x1, r0: k.y0, r1: k.y1, knownW: k.x1 - k.x0 };
    case 'top':
      return { bw: k.y0, r0: 0, r1: W, knownW: k.y1 - k.y0, acrossW: ACROSS_W };
    case 'bottom':
      return { bw: H - k.y1, r0: 0, r1: W, knownW: k.y1 - k.y0, acrossW: ACROSS_W };
  }
}

interface SideWork {
  side: Side;
  view: Raster;
  fixed: Uint8Array;
  band: BandSpec;
  sources: RefineSource[];
  writeCols: number;
}

async function fillRect(img: Raster, fixed: Uint8Array, known: Rect, lib: LibEntry[], effort: Effort, seed: number, opts: FillOptions): Promise<void> {
  const { width: W, height: H } = img;
  const fixedPlane: Raster = { width: W, height: H, ch: 1, data: fixed };
  const phases: Side[][] = [['left', 'right'], ['top', 'bottom']];
  // Entry 1 is entry 0's mirror image (see library()).
  const registry: UsedRegistry = { rects: [], twin: lib.map((_, k) => (k === 0 ? 1 : k === 1 ? 0 : -1)) };
  const sizes = lib.map((e) => ({ width: e.img.width, height: e.img.height }));
  for (const [pi, phase] of phases.entries()) {
    const sides = phase.filter((s) => bandSpec(s, known, W, H).bw > 0);
    if (sides.length === 0) continue;
    const works: SideWork[] = [];
    for (const side of sides) {
      opts.check();
      const band = bandSpec(side, known, W, H);
      const view = toView(img, side);
      const fv = toView(fixedPlane, side).data;
      const srcs = lib.map((e) => ({ img: toView(e.img, side), known: toView(e.known, side).data }));
      const f = quiltFactor(band.bw);
      const sideIdx = pi * 2 + phase.indexOf(side);
      quiltLeftBand(view, fv, band, prepareQuiltSources(srcs, f), f, mulberry32(subSeed(seed, 1, sideIdx)), registry, { side, sizes });
      seamMembrane(view, fv, band.bw, band.r0, band.r1);
      const sources = srcs.map((s) => ({ width: s.img.width, height: s.img.height, data: s.img.data, known: s.known }));
      works.push({ side, view, fixed: fv, band, sources, writeCols: Math.min(view.width, band.bw + 32) });
    }
    opts.check();
    if (effort.refine) {
      const per = Math.max(1, Math.round(opts.parts / works.length));
      const jobs: RefineJob[] = [];
      const spans: { w: SideWork; ya: number; yb: number; cx0: number; cy0: number; cw: number; ch: number }[] = [];
      const margin = effort.patchR * 2 * (1 << (effort.levels - 1)) + 8;
      for (const [wi, w] of works.entries()) {
        const { r0, r1, bw } = w.band;
        for (let i = 0; i < per; i++) {
          const ya = r0 + Math.floor((i * (r1 - r0)) / per);
          const yb = r0 + Math.floor(((i + 1) * (r1 - r0)) / per);
          const cy0 = Math.max(r0, ya - margin);
          const cy1 = Math.min(r1, yb + margin);
          const cw = Math.min(w.view.width, bw + 2 * effort.patchR + 2 + margin);
          const crop = { x0: 0, y0: cy0, x1: cw, y1: cy1 };
          // No across-band penalty here (unlike quilting): over chained zoom-outs it kept the
          // refinement on the previous steps' fill, which grew dark blobs in skies.
          jobs.push(makeJob(w.view, w.fixed, crop, w.sources, 'rows', effort, subSeed(seed, 2, pi, wi, i)));
          spans.push({ w, ya, yb, cx0: 0, cy0, cw, ch: cy1 - cy0 });
        }
      }
      const results = await opts.run(jobs);
      opts.check();
      results.forEach((res, j) => {
        const s = spans[j]!;
        pasteCrop(s.w.view, s.w.fixed, res, s.cx0, s.cy0, s.cw, s.ch, s.ya, s.yb, s.w.band.bw);
      });
    }
    for (const w of works) {
      limitDetail(w.view, w.fixed, w.band.bw, w.band.r0, w.band.r1);
      matchBandColour(w.view, w.fixed, w.band.bw, w.band.r0, w.band.r1);
      if (effort.refine) seamMembrane(w.view, w.fixed, w.band.bw, w.band.r0, w.band.r1);
      writeBack(w.view, w.side, img, w.writeCols);
    }
  }
}

async function fillGeneric(img: Raster, hole: Uint8Array, bounds: Rect, lib: LibEntry[], effort: Effort, seed: number, opts: FillOptions): Promise<void> {
  const { width: W, height: H } = img;
  pushPullFill(img, hole);
  opts.check();
  const fixed = new Uint8Array(W * H);
  for (let i = 0; i < fixed.length; i++) fixed[i] = hole[i] ? 0 : 1;
  const sources = lib.map((e) => ({ width: e.img.width, height: e.img.height, data: e.img.data, known: e.known.data }));
  const margin = effort.patchR * 2 * (1 << (effort.levels - 1)) + 8;
  const parts = Math.max(1, Math.min(opts.parts, Math.floor((bounds.y1 - bounds.y0) / 16) || 1));
  const jobs: RefineJob[] = [];
  const spans: { ya: number; yb: number; crop: Rect }[] = [];
  for (let i = 0; i < parts; i++) {
    const ya = bounds.y0 + Math.floor((i * (bounds.y1 - bounds.y0)) / parts);
    const yb = bounds.y0 + Math.floor(((i + 1) * (bounds.y1 - bounds.y0)) / parts);
    const crop = { x0: Math.max(0, bounds.x0 - margin), y0: Math.max(0, ya - margin), x1: Math.min(W, bounds.x1 + margin), y1: Math.min(H, yb + margin) };
    jobs.push(makeJob(img, fixed, crop, sources, 'none', effort, subSeed(seed, 3, i)));
    spans.push({ ya, yb, crop });
  }
  const results = await opts.run(jobs);
  results.forEach((res, j) => {
    const { ya, yb, crop } = spans[j]!;
    pasteCrop(img, fixed, res, crop.x0, crop.y0, crop.x1 - crop.x0, crop.y1 - crop.y0, ya, yb, W);
  });
}

function makeJob(view: Raster, fixed: Uint8Array, c: Rect, sources: RefineSource[], axis: 'rows' | 'none', e: Effort, seed: number): RefineJob {
  const w = c.x1 - c.x0;
  const h = c.y1 - c.y0;
  const image = new Uint8Array(w * h * 3);
  const editable = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const so = ((c.y0 + y) * view.width + c.x0) * 3;
    image.set(view.data.subarray(so, so + w * 3), y * w * 3);
    for (let x = 0; x < w; x++) editable[y * w + x] = fixed[(c.y0 + y) * view.width + c.x0 + x] ? 0 : 1;
  }
  return { width: w, height: h, image, editable, ox: c.x0, oy: c.y0, sources, axis, maxShift: MAX_SHIFT, levels: e.levels, emIters: e.emIters, pmIters: e.pmIters, patchR: e.patchR, seed };
}

/** Copies a refined crop's editable pixels of rows [ya,yb) and columns < maxX back into the view. */
function pasteCrop(view: Raster, fixed: Uint8Array, res: Uint8Array, cx0: number, cy0: number, cw: number, ch: number, ya: number, yb: number, maxX: number): void {
  for (let y = Math.max(ya, cy0); y < Math.min(yb, cy0 + ch); y++) {
    for (let x = cx0; x < Math.min(cx0 + cw, maxX); x++) {
      const p = y * view.width + x;
      if (fixed[p]) continue;
      const q = ((y - cy0) * cw + (x - cx0)) * 3;
      view.data[p * 3] = res[q]!;
      view.data[p * 3 + 1] = res[q + 1]!;
      view.data[p * 3 + 2] = res[q + 2]!;
    }
  }
}

/** Writes the first `cols` columns of a side's view back, leaving the other sides' work alone. */
function writeBack(view: Raster, side: Side, img: Raster, cols: number): void {
  const v: Raster = { ...view, data: view.data.slice() };
  // Outside the band's columns, show the image's current pixels so fromView leaves them as they are.
  const cur = toView(img, side);
  for (let y = 0; y < v.height; y++) {
    const o = (y * v.width + cols) * 3;
    v.data.set(cur.data.subarray(o, (y + 1) * v.width * 3), o);
  }
  fromView(v, side, img);
}
