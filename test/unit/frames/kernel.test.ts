import { describe, expect, it } from 'vitest';
import { Compositor } from '../../../src/frames/compose.js';
import { createLayer } from '../../../src/frames/layer.js';
import { wasmAvailable } from '../../../src/frames/wasm-kernel.js';
import { interpolateViewport } from '../../../src/walk/geometry.js';
import { planWalk } from '../../../src/walk/plan.js';
import { rgbToYuv420, yuv420ToRgb, yuvFrameBytes } from '../../../src/frames/yuv.js';
import { psnr, texturedImage } from '../../helpers/images.js';

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

  it('draws the same bytes after releaseRgb() as before (the kernel is remade on the next render)', () => {
    const W = 120;
    const H = 90;
    const plan = planWalk({ width: W, height: H, walk: ['backward', 'left'], translation: { x: 12, y: 9, source: 'px' }, interpolationSteps: 5, fps: 30, prompts: ['', ''] });
    const layers = plan.viewports.map((v, i) => createLayer(i, texturedImage(W, H, i + 3), v));
    const c = new Compositor({ width: W, height: H, overlap: 8, filter: 'cubic', kernel: 'wasm' });
    const camera = interpolateViewport(plan.viewports[0]!, plan.viewports[1]!, 0.37, W, H);
    const before = new Uint8Array(W * H * 3);
    const after = new Uint8Array(W * H * 3);
    c.render(layers, camera, before);
    c.releaseRgb();
    expect(c.kernelName).toBe('wasm-simd');
    c.render(layers, camera, after);
    expect(Buffer.compare(after, before)).toBe(0);
    expect(before.some((v) => v !== 0)).toBe(true);
  });

  it('copies an unmoved layer exactly', () => {
    const img = texturedImage(64, 48, 9);
    for (const kernel of ['js', 'wasm'] as const) {
      const out = new Uint8Array(64 * 48 * 3);
      new Compositor({ width: 64, height: 48, overlap: 4, filter: 'cubic', kernel }).render([createLayer(0, img, { x: 0, y: 0, scale: 1 })], { x: 0, y: 0, scale: 1 }, out);
      expect(Buffer.compare(out, img.data)).toBe(0);
    }
  });

  it.each(['cubic', 'linear'] as const)('planar yuv420p (wasm) agrees with RGB (js) converted, within two levels (%s)', (filter) => {
    const W = 120;
    const H = 90;
    const walk = ['backward', 'left', 'backward', 'up', 'right', 'down'] as const;
    const plan = planWalk({ width: W, height: H, walk, translation: { x: 12, y: 10, source: 'px' }, interpolationSteps: 5, fps: 30, prompts: walk.map(() => '') });
    const layers = plan.viewports.map((v, i) => createLayer(i, texturedImage(W, H, i + 3), v));
    const js = new Compositor({ width: W, height: H, overlap: 8, filter, kernel: 'js' });
    const wasm = new Compositor({ width: W, height: H, overlap: 8, filter, kernel: 'wasm' });
    const rgb = new Uint8Array(W * H * 3);
    const want = new Uint8Array(yuvFrameBytes(W, H));
    const got = new Uint8Array(yuvFrameBytes(W, H));
    let worst = 0;
    let chromaError = 0;
    for (let i = 0; i < plan.steps.length; i++) {
      for (let k = 0; k <= 5; k++) {
        const camera = interpolateViewport(plan.viewports[i]!, plan.viewports[i + 1]!, k / 5 + 0.013, W, H);
        js.render(layers.slice(0, i + 2), camera, rgb);
        rgbToYuv420(rgb, W, H, want);
        wasm.renderYuv(layers.slice(0, i + 2), camera, got);
        for (let p = 0; p < want.length; p++) worst = Math.max(worst, Math.abs(want[p]! - got[p]!));
        for (let p = W * H; p < want.length; p++) chromaError += Math.abs(want[p]! - got[p]!);
      }
    }
    expect(worst).toBeLessThanOrEqual(2);
    // Chroma is resampled at half size rather than averaged from resampled RGB: nearly the same.
    expect(chromaError / (36 * (want.length - W * H))).toBeLessThan(0.25);
  });

  it('copies an unmoved layer exactly into yuv420p, and back to RGB closely', () => {
    const img = texturedImage(64, 48, 9);
    const want = new Uint8Array(yuvFrameBytes(64, 48));
    rgbToYuv420(img.data, 64, 48, want);
    for (const kernel of ['js', 'wasm'] as const) {
      const got = new Uint8Array(yuvFrameBytes(64, 48));
      new Compositor({ width: 64, height: 48, overlap: 4, filter: 'cubic', kernel }).renderYuv([createLayer(0, img, { x: 0, y: 0, scale: 1 })], { x: 0, y: 0, scale: 1 }, got);
      expect(Buffer.compare(got, want)).toBe(0);
    }
    // Only chroma detail finer than 2×2 px is lost on the way back.
    expect(psnr(yuv420ToRgb(want, 64, 48), img.data)).toBeGreaterThanOrEqual(30);
  });
});
