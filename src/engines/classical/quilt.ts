/**
 * Strip quilting (Efros & Freeman 2001) of a band lying on the left of a view: blocks whose right
 * edge matches the known pixels next to the band are copied from the source library, cut against
 * the previous block with a minimum-error boundary, then shifted in colour so no step remains.
 */
import type { Rect } from '../../walk/geometry.js';
import type { Raster } from './raster.js';
import type { Rng } from './rng.js';
import { applyOffset, place, reflect } from './quilt-place.js';
import { markUsed, registerCopy, usedSoFar, type Used, type UsedRegistry, type ViewMap } from './quilt-reuse.js';
import { choose } from './quilt-search.js';
import type { QuiltSource } from './quilt-sources.js';
import type { SourceMap } from './source-map.js';

/** The band to fill: columns [0,bw) of rows [r0,r1); `knownW` known columns lie right of it. */
export interface BandSpec {
  bw: number;
  r0: number;
  r1: number;
  knownW: number;
  /**
   * Weight of the penalty on how far (across the band, as a fraction of the view's width) a block is
   * taken from where it goes: photos are about as plausible shifted sideways, not up or down, so
   * top and bottom bands should not fetch canopy for the ground or ground for the sky. 0 for left/right.
   */
  acrossW?: number;
}

/**
 * Widest column of blocks: a wider band is filled in several columns, each matched to the one
 * before it, and the cuts between columns showed as rows of scallops in bright, busy regions
 * (sky between branches) on tall frames; 256 keeps bands up to 256 px (1080×1920 zoom-outs) in
 * one column.
 */
const MAX_COL_W = 256;

/**
 * Fills the band in `work` in place; `fixed` marks original pixels that must never change. When
 * `joins` is given, the overlaps where blocks meet (where cuts lie) are added to it, so refinement
 * can be limited to them; when `srcMap` is given, each copied pixel's source is noted in it.
 */
export function quiltLeftBand(work: Raster, fixed: Uint8Array, band: BandSpec, sources: readonly QuiltSource[], f: number, rng: Rng, registry?: UsedRegistry, map?: ViewMap, joins?: Rect[], srcMap?: SourceMap): void {
  const W = work.width;
  const H = work.height;
  const { bw, r0, r1 } = band;
  if (bw <= 0 || r1 <= r0) return;
  const nc = Math.ceil(bw / MAX_COL_W);
  const colW = Math.ceil(bw / nc);
  const off = new Float64Array(H * 3);
  const cnt = new Float64Array(H);
  const used = usedSoFar(registry, map);
  markAdjacent(used, band, Math.min(W - bw, colW), registry, map);
  for (let col = 0; col < nc; col++) {
    const x1 = bw - col * colW;
    const tx0 = Math.max(0, x1 - colW);
    const cw = x1 - tx0;
    const ovR = Math.max(1, Math.min(Math.max(4, Math.round(cw / 2)), 32, col === 0 ? band.knownW : W - x1));
    const bh = Math.max(48, Math.min(160, Math.round(cw * 2.5)));
    const ovV = Math.max(4, Math.round(bh / 5));
    const geo = { tx0, x1, cw, ovR, ovV, bwid: cw + ovR, acrossW: (band.acrossW ?? 0) / (W * W) };
    if (col > 0) joins?.push({ x0: x1, y0: r0, x1: x1 + ovR, y1: r1 });
    off.fill(0);
    cnt.fill(0);
    for (let ty = r0; ; ) {
      const h = Math.min(bh, r1 - ty);
      const hasTop = ty > r0;
      const pick = choose(work, sources, geo, ty, h, hasTop, f, used, rng);
      if (pick) {
        const cut = place(work, fixed, sources[pick.k]!.img, geo, pick, ty, h, hasTop, off, cnt, srcMap);
        // The cut path against the block above is where the two blocks meet.
        if (cut && joins) cut.forEach((j, i) => joins.push({ x0: tx0 + i, y0: ty + j, x1: tx0 + i + 1, y1: ty + j + 1 }));
        const copied = { x0: pick.sx, y0: pick.sy, x1: pick.sx + geo.bwid, y1: pick.sy + h };
        markUsed(used, pick.k, copied, registry, map);
        registerCopy(pick.k, copied, registry, map);
      } else {
        reflect(work, fixed, tx0, x1, ty, h, srcMap);
        joins?.push({ x0: tx0, y0: ty, x1, y1: ty + h });
      }
      if (ty + h >= r1) break;
      ty += h - ovV;
    }
    applyOffset(work, fixed, off, cnt, tx0, x1, r0, r1);
  }
}

/**
 * Charges the known pixels right next to the band (and, through the registry's twin, their mirror
 * image) as if already copied: they are on screen beside the band, so copying them there again, or
 * their reflection across the seam, shows as a visible repeat, and over chained zoom-outs as a row
 * of the same feature.
 */
function markAdjacent(used: Used[], band: BandSpec, width: number, registry?: UsedRegistry, map?: ViewMap): void {
  if (width > 0) markUsed(used, 0, { x0: band.bw, y0: band.r0, x1: band.bw + width, y1: band.r1 }, registry, map);
}

