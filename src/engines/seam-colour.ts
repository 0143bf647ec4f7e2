/**
 * Seam colour correction: the generated side of the seam is shifted toward the known side's local
 * mean colour, by an offset smoothed along the seam and fading with distance from it, so no
 * brightness or colour step remains where the fill meets the known pixels (a feathered version of
 * the offset step of Poisson blending, cheap enough to run on every fill). The classical engine runs
 * it after its fill, and every remote engine on the service's answer (remote/images.ts).
 */

/** An interleaved 8-bit RGB image whose pixels are corrected in place (a RawImage fits). */
export interface SeamImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Window radius of the local means compared across the seam. */
const LOCAL = 3;
/** Radius along the seam over which the offsets are averaged. */
const ALONG = 10;

/**
 * The box sum with radius r (clamped at the edges) of channel c of the seam samples' values around
 * (x, y): `slot` holds 1 + the sample's index at its pixel (0: none) and `vals` its `ch` float32
 * values. Each row's sum is rounded to float32, then the rows summed and rounded again — the sums a
 * separable pass over whole-frame Float32Array planes stored (zeros elsewhere), without the planes.
 */
function boxSumAt(slot: Int32Array, vals: Float32Array | null, w: number, h: number, ch: number, r: number, x: number, y: number, c: number): number {
  const u0 = Math.max(0, x - r), u1 = Math.min(w - 1, x + r);
  let acc = 0;
  for (let v = Math.max(0, y - r); v <= Math.min(h - 1, y + r); v++) {
    let s = 0;
    for (let u = u0, i = v * w + u0; u <= u1; u++, i++) {
      const k = slot[i]!;
      if (k !== 0) s += vals ? vals[(k - 1) * ch + c]! : 1;
    }
    acc += Math.fround(s);
  }
  return Math.fround(acc);
}

/** Corrects the colour of the filled pixels (hole = 1) near the seam, in place; `fade` is the falloff length in px. */
export function correctSeam(img: SeamImage, hole: Uint8Array, fade: number): void {
  const { width: w, height: h, data } = img;
  const n = w * h;
  // Seam samples: filled pixels touching a known one; offset = known mean − filled mean there, the
  // means over a (2·LOCAL+1)² window, each over its own pixels only. Only the samples' values are
  // kept (a slot plane points at them): whole-frame planes of offsets, distances and nearest
  // samples cost ~64 MB to allocate and fill at 1080×1920 for a seam of a few thousand pixels.
  const slot = new Int32Array(n);
  const pix: number[] = [];
  const offs: number[] = [];
  for (let p = 0; p < n; p++) {
    if (!hole[p]) continue;
    const x = p % w;
    const y = (p - x) / w;
    const touches = (x > 0 && !hole[p - 1]) || (x < w - 1 && !hole[p + 1]) || (y > 0 && !hole[p - w]) || (y < h - 1 && !hole[p + w]);
    if (!touches) continue;
    let k0 = 0, k1 = 0, k2 = 0, kc = 0, f0 = 0, f1 = 0, f2 = 0, fc = 0;
    for (let v = Math.max(0, y - LOCAL); v <= Math.min(h - 1, y + LOCAL); v++) {
      for (let u = Math.max(0, x - LOCAL); u <= Math.min(w - 1, x + LOCAL); u++) {
        const q = v * w + u;
        if (hole[q]) { f0 += data[q * 3]!; f1 += data[q * 3 + 1]!; f2 += data[q * 3 + 2]!; fc++; }
        else { k0 += data[q * 3]!; k1 += data[q * 3 + 1]!; k2 += data[q * 3 + 2]!; kc++; }
      }
    }
    if (kc === 0 || fc === 0) continue;
    pix.push(p);
    offs.push(k0 / kc - f0 / fc, k1 / kc - f1 / fc, k2 / kc - f2 / fc);
    slot[p] = pix.length;
  }
  const ns = pix.length;
  if (ns === 0) return;
  const off = Float32Array.from(offs);
  // Smooth the offsets along the seam: a texture's own detail must not be mistaken for a step.
  const oS = new Float32Array(ns * 3);
  const oC = new Float32Array(ns);
  for (let i = 0; i < ns; i++) {
    const p = pix[i]!;
    const x = p % w;
    const y = (p - x) / w;
    oC[i] = boxSumAt(slot, null, w, h, 1, ALONG, x, y, 0);
    for (let c = 0; c < 3; c++) oS[i * 3 + c] = boxSumAt(slot, off, w, h, 3, ALONG, x, y, c);
  }

  // Breadth-first over the filled pixels, up to `fade` steps from the seam; per queued pixel its
  // distance + 1 (0: not reached) and the sample it was reached from.
  const dist = new Uint16Array(n);
  const queue = new Int32Array(n);
  const from = new Int32Array(n);
  let qn = 0;
  for (let i = 0; i < ns; i++) {
    dist[pix[i]!] = 1;
    from[qn] = i;
    queue[qn++] = pix[i]!;
  }
  for (let head = 0; head < qn; head++) {
    const p = queue[head]!;
    const d = dist[p]! - 1;
    if (d >= fade) continue;
    const x = p % w;
    const y = (p - x) / w;
    const visit = (q: number): void => {
      if (!hole[q] || dist[q] !== 0) return;
      dist[q] = d + 2;
      from[qn] = from[head]!;
      queue[qn++] = q;
    };
    if (x > 0) visit(p - 1);
    if (x < w - 1) visit(p + 1);
    if (y > 0) visit(p - w);
    if (y < h - 1) visit(p + w);
  }
  for (let i = 0; i < qn; i++) {
    const p = queue[i]!;
    const si = from[i]!;
    const t = 1 - (dist[p]! - 1) / fade;
    const weight = t * t * (3 - 2 * t);
    for (let c = 0; c < 3; c++) {
      const v = data[p * 3 + c]! + (weight * oS[si * 3 + c]!) / oC[si]!;
      data[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
}
