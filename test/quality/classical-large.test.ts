import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { createClassicalEngine } from '../../src/engines/classical/index.js';
import type { RawImage } from '../../src/image/raw.js';
import { chainZoomOuts } from '../support/chain.js';
import { taskFor } from '../support/classical-tasks.js';
import { fillQuality, imageLapVar } from '../support/eval.js';
import { blotchShare, repetitionShare } from '../support/repetition.js';

const samplesDir = join(import.meta.dirname, '..', '..', 'samples');

async function photo(name: string, w: number, h: number): Promise<RawImage> {
  const { data, info } = await sharp(join(samplesDir, name)).resize(w, h, { fit: 'cover' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** The zoom-out ring of translation_factor f on a w×h frame (255 = generate). */
function ringMask(w: number, h: number, f: number): Uint8Array {
  const tx = Math.round(f * w), ty = Math.round(f * h);
  const m = new Uint8Array(w * h).fill(255);
  for (let y = ty; y < h - ty; y++) m.fill(0, y * w + tx, y * w + w - tx);
  return m;
}

const engine = createClassicalEngine({ threads: 2 });
const legacy = createClassicalEngine({ threads: 2, legacy: true });
afterAll(async () => {
  await engine.close?.();
  await legacy.close?.();
});

/** One regrown ring's measures, printed and checked below. */
interface Case {
  readonly row: string;
  readonly seam: number;
  readonly sharp: number;
  readonly colour: number;
  readonly blotch: number;
  readonly trueBlotch: number;
}

const cases: Case[] = [];

/**
 * Social-media sizes (issue 15). Two photos (the busiest canopy and stream), not all six: each
 * 1080×1920 fill takes ~10–40 s on a loaded 2-core machine.
 */
describe('classical engine at 1080×1920 and 1080×1080: crop the centre, regrow the ring', { timeout: 900_000 }, () => {
  for (const [w, h] of [[1080, 1920], [1080, 1080]] as const) {
    for (const name of ['forest-path.jpg', 'forest-stream.jpg']) {
      it(`${name} ${w}×${h}: no seam, no blur, no blotches`, async () => {
        const img = await photo(name, w, h);
        const mask = ringMask(w, h, 0.08);
        const fill = await engine.outpaint(taskFor(img, mask, 1, { overlap: 64 }));
        const q = fillQuality(fill, img, mask);
        const blotch = blotchShare(fill, mask);
        const trueBlotch = blotchShare(img, mask);
        const row = `${name} ${w}×${h}: seam ${q.seamVsImage.toFixed(2)} sharp ${q.sharpRatio.toFixed(2)} colour ${q.colourDiff.toFixed(1)} blotch ${blotch.toFixed(3)} (truth ${trueBlotch.toFixed(3)})`;
        console.log(row);
        cases.push({ row, seam: q.seamVsImage, sharp: q.sharpRatio, colour: q.colourDiff, blotch, trueBlotch });
        expect(q.seamVsImage, row).toBeLessThanOrEqual(1.3);
        expect(q.sharpRatio, row).toBeGreaterThanOrEqual(0.7);
        // Margin: 2 % of the ring, about one 40×40 px flat patch at the working scale.
        expect(blotch, row).toBeLessThanOrEqual(trueBlotch + 0.02);
      });
    }
  }

  // Issue 15's other targets are not all met yet: detail at most 1.4 × the true band's (the
  // quilted interiors that large fills leave unrefined keep their sources' full detail: forest-stream
  // measured 1.41 at 1080² and 1.97 at 1080×1920) and a colour median of at most 6 over these cases
  // (that part holds: 3.2 in the last run).
  // This test states those targets exactly and is expected to fail until they hold: when it starts
  // passing, vitest reports it, and `.fails` comes off (docs/classical-engine.md, "Left to do").
  it.fails('issue 15 targets for every case: detail ≤ 1.4 × the truth, colour median ≤ 6', () => {
    expect(cases).toHaveLength(4);
    for (const c of cases) expect(c.sharp, c.row).toBeLessThanOrEqual(1.4);
    const colours = cases.map((c) => c.colour).sort((a, b) => a - b);
    expect((colours[1]! + colours[2]!) / 2).toBeLessThanOrEqual(6);
  });
});

describe('chained zoom-outs: telling the engine what was generated cuts repeats', { timeout: 900_000 }, () => {
  it('12 zoom-outs of forest-stream at 512²: repetition at most half of the method before, ring keeps its detail', async () => {
    const first = await photo('forest-stream.jpg', 512, 512);
    const before = await chainZoomOuts(legacy, first, 12, 0.08, false);
    const now = await chainZoomOuts(engine, first, 12, 0.08, true);
    const rb = repetitionShare(before.last, before.generated);
    const rn = repetitionShare(now.last, now.generated);
    const detail = imageLapVar(now.last, now.ring) / imageLapVar(first, now.ring);
    console.log(`forest-stream 512² ×12: repetition ${rn.share.toFixed(3)} (before ${rb.share.toFixed(3)}, ${rn.patches} patches), ring detail ${detail.toFixed(2)}`);
    expect(rb.share).toBeGreaterThan(0);
    expect(rn.share).toBeLessThanOrEqual(0.5 * rb.share);
    expect(detail).toBeGreaterThanOrEqual(0.7);
  });
});
