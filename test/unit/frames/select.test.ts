import { describe, expect, it } from 'vitest';
import { createLayer, type Layer } from '../../../src/frames/layer.js';
import { selectLayers } from '../../../src/frames/select.js';
import { createImage } from '../../../src/image/raw.js';
import type { Viewport } from '../../../src/walk/geometry.js';

const W = 100;
const H = 80;
const OVERLAP = 8;
const none = { left: false, right: false, top: false, bottom: false };

/** A layer whose pixels do not matter: selection looks only at where it lies. */
const layer = (id: number, viewport: Viewport): Layer => createLayer(id, createImage(W, H), viewport);
/** The viewport of scale `scale` centred where the first keyframe is centred. */
const centred = (scale: number): Viewport => ({ x: W / 2 - (W * scale) / 2, y: H / 2 - (H * scale) / 2, scale });
const ids = (layers: readonly { layer: Layer }[]): number[] => layers.map((p) => p.layer.id);

describe('selectLayers', () => {
  const fine = layer(0, centred(1));
  const coarse = layer(1, centred(1.25));

  it('draws the coarsest layer first and the finer ones on top, whatever the order given', () => {
    const camera = centred(1.1);
    expect(ids(selectLayers([fine, coarse], camera, W, H, OVERLAP))).toEqual([1, 0]);
    expect(ids(selectLayers([coarse, fine], camera, W, H, OVERLAP))).toEqual([1, 0]);
  });

  it('puts the newer of two same-scale layers on top', () => {
    const left = layer(1, { x: -16, y: 0, scale: 1 });
    expect(ids(selectLayers([left, fine], { x: -8, y: 0, scale: 1 }, W, H, OVERLAP))).toEqual([0, 1]);
  });

  it('drops a finer layer once a coarser one covering it is sharp enough at the camera scale', () => {
    expect(ids(selectLayers([fine, coarse], centred(1.2), W, H, OVERLAP))).toEqual([1, 0]);
    expect(ids(selectLayers([fine, coarse], centred(1.25), W, H, OVERLAP))).toEqual([1]);
    expect(ids(selectLayers([fine, coarse], centred(1.4), W, H, OVERLAP))).toEqual([1]);
  });

  it('drops an older layer hidden under a newer one of the same scale', () => {
    const again = layer(5, centred(1));
    expect(ids(selectLayers([fine, again], centred(1), W, H, OVERLAP))).toEqual([5]);
  });

  it('drops a layer that is off screen', () => {
    const far = layer(2, { x: 300, y: 0, scale: 1 });
    expect(ids(selectLayers([fine, far], centred(1), W, H, OVERLAP))).toEqual([0]);
  });

  it('drops a layer smaller than one screen pixel', () => {
    // The layer is 100 world units wide: one screen pixel at camera scale 100.
    expect(ids(selectLayers([fine], centred(99), W, H, OVERLAP))).toEqual([0]);
    expect(ids(selectLayers([fine], centred(100), W, H, OVERLAP))).toEqual([0]);
    expect(ids(selectLayers([fine], centred(101), W, H, OVERLAP))).toEqual([]);
  });

  it('feathers every edge of a layer lying wholly over another, and none of the bottom one', () => {
    const [bottom, top] = selectLayers([fine, coarse], centred(1.1), W, H, OVERLAP);
    expect(bottom!.feather).toEqual(none);
    expect(top!.feather).toEqual({ left: true, right: true, top: true, bottom: true });
    expect(top!.rect).toEqual({ x0: 0, y0: 0, x1: W, y1: H });
  });

  it('feathers only the edge of a pan that has a layer below it', () => {
    const left = layer(1, { x: -16, y: 0, scale: 1 });
    const [bottom, top] = selectLayers([fine, left], { x: -8, y: 0, scale: 1 }, W, H, OVERLAP);
    expect(bottom!.feather).toEqual(none);
    expect(top!.feather).toEqual({ ...none, right: true });
  });

  it('feathers nothing when the overlap is 0', () => {
    for (const p of selectLayers([fine, coarse], centred(1.1), W, H, 0)) expect(p.feather).toEqual(none);
  });
});
