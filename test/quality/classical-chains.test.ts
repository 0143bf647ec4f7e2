import { afterAll, describe, expect, it } from 'vitest';
import { createClassicalEngine } from '../../src/engines/classical/index.js';
import { chainZoomOuts } from '../support/chain.js';
import { imageLapVar } from '../support/eval.js';
import { photo } from '../support/photos.js';
import { repetitionShare } from '../support/repetition.js';

const engine = createClassicalEngine({ threads: 2 });
const legacy = createClassicalEngine({ threads: 2, legacy: true });
afterAll(async () => {
  await engine.close?.();
  await legacy.close?.();
});

/**
 * 12 chained zoom-outs (translation_factor 0.08) per photo and size, once with the method before
 * issue 15 (`legacy`, not told what was generated) and once with the current engine (told, as
 * src/render does), both measured in this run. One chain per engine, photo and size, shared by the
 * repetition and detail checks. The 512² cases take ~2 min each; at 1080×1920 the current engine's
 * chain of forest-path took 280 s on a loaded 2-core machine and the method before is slower (about
 * 3× per ring in bench/classical.ts), so each 1080×1920 case takes 15–25 min.
 */
describe('chained zoom-outs: telling the engine what was generated cuts repeats, the ring keeps its detail', () => {
  for (const [w, h] of [[512, 512], [1080, 1920]] as const) {
    for (const name of ['forest-stream.jpg', 'forest-path.jpg']) {
      it(`12 zoom-outs of ${name} at ${w}×${h}: repetition ≤ 0.5 × before, ring detail ≥ 0.7 × the original's`, { timeout: 3_600_000 }, async () => {
        const first = await photo(name, w, h);
        const t0 = performance.now();
        const before = await chainZoomOuts(legacy, first, 12, 0.08, false);
        const t1 = performance.now();
        const now = await chainZoomOuts(engine, first, 12, 0.08, true);
        const t2 = performance.now();
        const rb = repetitionShare(before.last, before.generated);
        const rn = repetitionShare(now.last, now.generated);
        const detail = imageLapVar(now.last, now.ring) / imageLapVar(first, now.ring);
        const detailBefore = imageLapVar(before.last, before.ring) / imageLapVar(first, before.ring);
        console.log(
          `${name} ${w}×${h} ×12: repetition ${rn.share.toFixed(3)} (before ${rb.share.toFixed(3)}, ratio ${(rn.share / rb.share).toFixed(2)}, ${rn.patches} patches), ` +
            `ring detail ${detail.toFixed(2)} (before ${detailBefore.toFixed(2)}); chain ${((t2 - t1) / 1000).toFixed(0)} s (before ${((t1 - t0) / 1000).toFixed(0)} s)`,
        );
        expect(rb.share).toBeGreaterThan(0);
        expect(rn.share).toBeLessThanOrEqual(0.5 * rb.share);
        expect(detail).toBeGreaterThanOrEqual(0.7);
      });
    }
  }
});
