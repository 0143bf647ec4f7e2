/**
 * Where a large band is refined. Quilted blocks are exact copies of source pixels inside their
 * cuts, so PatchMatch/EM finds them again there and changes next to nothing; the work that shows is
 * at the seam with the known pixels and where blocks meet. On large bands (1080×1920 rings) only
 * those zones are refined; the rest of the band keeps its quilted pixels and acts, like the known
 * pixels, as a constraint on the refined zones around it.
 */
import type { Rect } from '../../walk/geometry.js';

/** Bands with more pixels to fill than this (whole fill) are refined in zones only (512² rings: 94k, left bands 33k). */
export const ZONED_ABOVE = 160_000;
/** Columns of the band next to the known pixels that are always refined (seam zone), px. */
const SEAM_ZONE = 24;
/** Margin round each join (a cut path between blocks, one rect per pixel) that is refined, px. */
const JOIN_PAD = 5;

/**
 * A W×H plane of the view: 1 where a band pixel (columns < bw, rows [r0, r1)) may be refined —
 * near the seam, or in or near a join between blocks.
 */
export function refineZone(W: number, H: number, bw: number, r0: number, r1: number, joins: readonly Rect[]): Uint8Array {
  const z = new Uint8Array(W * H);
  const mark = (x0: number, y0: number, x1: number, y1: number): void => {
    const xa = Math.max(0, x0), xb = Math.min(bw, x1), ya = Math.max(r0, y0), yb = Math.min(r1, y1);
    for (let y = ya; y < yb; y++) if (xb > xa) z.fill(1, y * W + xa, y * W + xb);
  };
  mark(bw - SEAM_ZONE, r0, bw, r1);
  for (const j of joins) mark(j.x0 - JOIN_PAD, j.y0 - JOIN_PAD, j.x1 + JOIN_PAD, j.y1 + JOIN_PAD);
  return z;
}
