import { describe, expect, it } from 'vitest';
import { Compositor } from '../src/frames/compose.js';
import { createLayer } from '../src/frames/layer.js';
import { wasmAvailable } from '../src/frames/wasm-kernel.js';
import { interpolateViewport } from '../src/walk/geometry.js';
import { planWalk } from '../src/walk/plan.js';
import { texturedImage } from './helpers/images.js';

describe('resampling kernels', () => {
  it('has the WebAssembly SIMD kernel built (npm run build:wasm runs before the tests)', () => {
    expect(wasmAvailable()).toBe(true);
  });

  it.each(['cubic', 'linear'] as const)('wasm and js agree within one level (%s, zoom and pans, feathered layers)', (filter) => {
    const W = 120;
    const H = 90;
    const plan = planWalk({ width: W, height: H, walk: ['backward', 'left', 'backward', 'up'], translation: { x: 12, y: 9, source: 'px' }, interpolationSteps: 5, fps: 30, prompts: ['', '', '', ''] });
    const layers = plan.viewports.map((v, i) => createLayer(i, texturedImage(W, H, i + 3), v));
    const js = new Compositor({ width: W, height: H, overlap: 8, filter, kernel: 'js' });
    const wasm = new Compositor({ width: W, height: H, overlap: 8, filter, kernel: 'wasm' });
    expect([js.kernelName, wasm.kernelName]).toEqual(['js', 'wasm-simd']);
    let compared = 0;
    for (let i = 0; i < plan.steps.length; i++) {
      for (let k = 0; k <= 5; k++) {
        const camera = interpolateViewport(plan.viewports[i]!, plan.viewports[i + 1]!, k / 5 + 0.013, W, H);
        const a = new Uint8Array(W * H * 3);
        const b = new Uint8Array(W * H * 3);
        js.render(layers.slice(0, i + 2), camera, a);
        wasm.render(layers.slice(0, i + 2), camera, b);
        let worst = 0;
        for (let p = 0; p < a.length; p++) worst = Math.max(worst, Math.abs(a[p]! - b[p]!));
        expect(worst).toBeLessThanOrEqual(1);
        compared++;
      }
    }
    expect(compared).toBe(24);
  });

  it('copies an unmoved layer exactly', () => {
    const img = texturedImage(64, 48, 9);
    for (const kernel of ['js', 'wasm'] as const) {
      const out = new Uint8Array(64 * 48 * 3);
      new Compositor({ width: 64, height: 48, overlap: 4, filter: 'cubic', kernel }).render([createLayer(0, img, { x: 0, y: 0, scale: 1 })], { x: 0, y: 0, scale: 1 }, out);
      expect(Buffer.compare(out, img.data)).toBe(0);
    }
  });
});
