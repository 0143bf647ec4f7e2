/**
 * How well can any fill predict a band's mean colour from the pixels next to it? For each sample
 * photo (four crops) and each band shape, compares the true band's mean colour with the mean of the
 * true pixels just inside the boundary (each band pixel looks at the known pixels nearest to it).
 * This is the best the classical engine's colour step can do; it bounds the per-photo colour target.
 * Run: npx tsx bench/colour-bound.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const SIZE = 512, BAND = 64, RING = Math.round(0.1 * SIZE), NEAR = 6;
const dir = join(import.meta.dirname, '..', 'samples');
type Shape = 'left' | 'right' | 'top' | 'bottom' | 'ring';

function inHole(shape: Shape, x: number, y: number): boolean {
  if (shape === 'left') return x < BAND;
  if (shape === 'right') return x >= SIZE - BAND;
  if (shape === 'top') return y < BAND;
  if (shape === 'bottom') return y >= SIZE - BAND;
  return x < RING || y < RING || x >= SIZE - RING || y >= SIZE - RING;
}

/** Per-channel |true band mean − mean of the NEAR known pixels inward from each band pixel|, max over channels. */
function bound(img: Uint8Array, shape: Shape): number {
  const b = shape === 'ring' ? RING : BAND;
  const lo = [shape === 'left' || shape === 'ring' ? b : 0, shape === 'top' || shape === 'ring' ? b : 0];
  const hi = [shape === 'right' || shape === 'ring' ? SIZE - 1 - b : SIZE - 1, shape === 'bottom' || shape === 'ring' ? SIZE - 1 - b : SIZE - 1];
  const truth = [0, 0, 0], near = [0, 0, 0];
  let n = 0, k = 0;
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
    if (!inHole(shape, x, y)) continue;
    n++;
    for (let c = 0; c < 3; c++) truth[c]! += img[(y * SIZE + x) * 3 + c]!;
    const cx = Math.min(hi[0]!, Math.max(lo[0]!, x)), cy = Math.min(hi[1]!, Math.max(lo[1]!, y));
    const dx = Math.sign(cx - x), dy = Math.sign(cy - y);
    for (let i = 0; i < NEAR; i++, k++) for (let c = 0; c < 3; c++) near[c]! += img[((cy + dy * i) * SIZE + cx + dx * i) * 3 + c]!;
  }
  return Math.max(...[0, 1, 2].map((c) => Math.abs(truth[c]! / n - near[c]! / k)));
}

const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort();
const all: number[] = [];
console.log('photo, crop'.padEnd(36), (['left', 'right', 'top', 'bottom', 'ring'] as const).map((s) => s.padStart(7)).join(''));
for (const crop of ['centre', 'mirrored', 'left', 'right'] as const) {
  for (const f of files) {
    let s = sharp(join(dir, f));
    if (crop === 'mirrored') s = s.flop();
    const position = crop === 'left' ? 'left' : crop === 'right' ? 'right' : 'centre';
    const { data } = await s.resize(SIZE, SIZE, { fit: 'cover', position }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const row = (['left', 'right', 'top', 'bottom', 'ring'] as const).map((shape) => bound(new Uint8Array(data), shape));
    all.push(...row);
    console.log(`${f}, ${crop}`.padEnd(36), row.map((v) => v.toFixed(1).padStart(7)).join(''));
  }
}
const sorted = [...all].sort((a, b) => a - b);
console.log(`${all.length} cases: median ${sorted[all.length >> 1]!.toFixed(1)}, mean ${(all.reduce((s, v) => s + v, 0) / all.length).toFixed(1)}, ≤ 6 levels in ${all.filter((v) => v <= 6).length}`);
