import { describe, expect, it } from 'vitest';
import { sheetLayout, THUMB_MAX } from '../../../src/cli/contact-sheet.js';
import { dryRun, formatDryRun } from '../../../src/cli/dry-run.js';
import { validateWalkRequest } from '../../../src/request/validate.js';

describe('sheetLayout', () => {
  it('makes a near-square grid of thumbnails no longer than THUMB_MAX', () => {
    expect(sheetLayout(5, 512, 512)).toMatchObject({ columns: 3, rows: 2, thumbWidth: 256, thumbHeight: 256, width: 800, height: 576 });
    expect(sheetLayout(9, 1080, 1920)).toMatchObject({ columns: 3, rows: 3, thumbWidth: 144, thumbHeight: THUMB_MAX });
    expect(sheetLayout(2, 64, 48)).toMatchObject({ columns: 2, rows: 1, thumbWidth: 64, thumbHeight: 48, width: 2 * 64 + 3 * 8, height: 48 + 20 + 16 });
    expect(sheetLayout(201, 512, 512)).toMatchObject({ columns: 15, rows: 14 });
  });
});

describe('dryRun', () => {
  const request = validateWalkRequest({ image: 'x.jpg', walk_type: ['back', 'back', 'left'], width: 100, height: 100, width_translation_per_step: 10, height_translation_per_step: 10, num_interpolation_steps: 4, fps: 8, samples: 2, prompt: { '0': 'a', '2': 'b' } });

  it('reports frames, duration, keyframes and each step\'s viewport', () => {
    const r = dryRun(request, 'out/x.mp4', 'mirror');
    expect(r).toMatchObject({ outputs: ['out/x-1.mp4', 'out/x-2.mp4'], frames: 13, durationSeconds: 1.625, keyframes: 4, walk: 'backward*2,left' });
    // s = 1 − 2·10/100 = 0.8: the view grows by 1.25 about its centre each backward step.
    expect(r.steps[0]).toMatchObject({ shrink: 0.8, viewport: { x: -12.5, y: -12.5, scale: 1.25 }, world: { x0: -12.5, y0: -12.5, x1: 112.5, y1: 112.5 }, prompt: 'a' });
    expect(r.steps[1]!.viewport.scale).toBeCloseTo(1.5625, 4);
    expect(r.steps[2]).toMatchObject({ kind: 'left', translation: { x: 10, y: 0 }, prompt: 'b' });
    expect(r.steps[2]!.viewport.x).toBeCloseTo(r.steps[1]!.viewport.x - 10 * 1.5625, 3);
  });

  it('reports one frame and no duration for png', () => {
    expect(dryRun(validateWalkRequest({ image: 'x.jpg', walk_type: 'up', width: 64, height: 64, as_video: 'no' }), 'o.png', 'mirror')).toMatchObject({ frames: 1, durationSeconds: null });
  });

  it('formats a line per step', () => {
    const text = formatDryRun(dryRun(request, 'out/x.mp4', 'mirror'));
    expect(text).toContain('frames     13 at 8 fps = 1.625 s');
    expect(text.split('\n').filter((l) => /^[0-9]+ +(backward|left)/.test(l))).toHaveLength(3);
  });
});
