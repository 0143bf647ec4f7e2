import { describe, expect, it } from 'vitest';
import { mirrorX, type Raster } from '../../../src/engines/classical/raster.js';
import { fromView, sharedView, toView, type Side, type ViewHints } from '../../../src/engines/classical/view.js';

function shared(w: number, h: number, ch: number, seed: number): Raster {
  const data = new Uint8Array(new SharedArrayBuffer(w * h * ch));
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 7) % 251;
  return { width: w, height: h, ch, data };
}

describe('library views without copies', () => {
  const photo = shared(7, 5, 3, 1);
  const twin = mirrorX(photo, true);
  const ones: Raster = { width: 7, height: 5, ch: 1, data: new Uint8Array(new SharedArrayBuffer(35)).fill(1) };
  const plain: Raster = { width: 7, height: 5, ch: 3, data: photo.data.slice() };
  const hints: ViewHints = { mirrors: new Map([[photo.data, twin], [twin.data, photo]]), uniform: new Set([ones.data]) };

  it.each(['left', 'right', 'top', 'bottom'] as Side[])('give the bytes toView gives, in shared memory (%s)', (side) => {
    const made = new Map<Uint8Array, Raster>();
    for (const p of [photo, twin, ones, plain]) {
      const v = sharedView(p, side, hints, made);
      const want = toView(p, side);
      expect([v.width, v.height, v.ch]).toEqual([want.width, want.height, want.ch]);
      expect(Buffer.compare(v.data, want.data)).toBe(0);
      expect(v.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });

  it('reuses what already holds the bytes: itself on the left, its mirror twin on the right, a uniform plane everywhere', () => {
    expect(sharedView(photo, 'left', hints, new Map()).data).toBe(photo.data);
    expect(sharedView(photo, 'right', hints, new Map()).data).toBe(twin.data);
    expect(sharedView(twin, 'right', hints, new Map()).data).toBe(photo.data);
    expect(sharedView(ones, 'top', hints, new Map()).data).toBe(ones.data);
    // A plane outside shared memory, or a side with no twin, is copied; within one side it is copied once.
    const made = new Map<Uint8Array, Raster>();
    const a = sharedView(plain, 'left', hints, made);
    expect(a.data).not.toBe(plain.data);
    expect(sharedView(plain, 'left', hints, made)).toBe(a);
    expect(sharedView(photo, 'top', hints, new Map()).data).not.toBe(photo.data);
    // Two masks with the same view on this side: one copy.
    const sym = new Uint8Array(35);
    for (let y = 1; y < 4; y++) sym.fill(1, y * 7 + 2, y * 7 + 5);
    const m1: Raster = { width: 7, height: 5, ch: 1, data: sym };
    const m2: Raster = { width: 7, height: 5, ch: 1, data: sym.slice() };
    const side = new Map<Uint8Array, Raster>();
    expect(sharedView(m2, 'top', hints, side)).toBe(sharedView(m1, 'top', hints, side));
    m2.data[0] = 1;
    expect(sharedView(m2, 'top', hints, new Map([[m1.data, sharedView(m1, 'top', hints, new Map())]])).data[0]).toBe(1);
  });

  it.each(['left', 'right', 'top', 'bottom'] as Side[])('write back only a view\'s first columns (%s), as a whole-view write of those columns over the current pixels', (side) => {
    const img = shared(7, 5, 3, 2);
    const v = toView(shared(7, 5, 3, 9), side);
    const want: Raster = { ...img, data: img.data.slice() };
    // The definition: the view's first 3 columns, the image's current pixels elsewhere, written whole.
    const cur = toView(want, side);
    const mixed: Raster = { ...v, data: v.data.slice() };
    for (let y = 0; y < v.height; y++) mixed.data.set(cur.data.subarray((y * v.width + 3) * 3, (y + 1) * v.width * 3), (y * v.width + 3) * 3);
    fromView(mixed, side, want);
    fromView(v, side, img, 3);
    expect(Buffer.compare(img.data, want.data)).toBe(0);
    expect(Buffer.compare(img.data, shared(7, 5, 3, 2).data)).not.toBe(0);
  });
});
