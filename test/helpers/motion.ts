/**
 * Global motion between two grayscale frames by iterative Lucas–Kanade on a
 * centred zoom + translation model: next(x) ≈ prev(c + (x − c)·r + d).
 * Used to measure smoothness on decoded video, independently of the renderer's plan.
 */
export interface Motion {
  /** Zoom ratio: > 1 when the content shrinks (zooming out). */
  readonly ratio: number;
  readonly dx: number;
  readonly dy: number;
  /** Mean absolute residual after alignment, in grey levels. */
  readonly residual: number;
}

function sample(img: Float32Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.max(0, Math.min(w - 2, Math.floor(x)));
  const y0 = Math.max(0, Math.min(h - 2, Math.floor(y)));
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * w + x0;
  return (img[i]! * (1 - fx) + img[i + 1]! * fx) * (1 - fy) + (img[i + w]! * (1 - fx) + img[i + w + 1]! * fx) * fy;
}

function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return [m[0]![3]! / m[0]![0]!, m[1]![3]! / m[1]![1]!, m[2]![3]! / m[2]![2]!];
}

/** Separable box blur (radius 2) applied twice: removes the detail whose interpolation biases sub-pixel estimates. */
function smooth(img: Uint8Array, w: number, h: number): Float32Array {
  let cur = Float32Array.from(img);
  for (let pass = 0; pass < 4; pass++) {
    const horizontal = pass % 2 === 0;
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let k = -2; k <= 2; k++) {
          const xx = horizontal ? Math.min(w - 1, Math.max(0, x + k)) : x;
          const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + k));
          s += cur[yy * w + xx]!;
        }
        out[y * w + x] = s / 5;
      }
    }
    cur = out;
  }
  return cur;
}

/** Estimates the motion from `prev` to `next`; `zoom` false fixes the ratio at 1 (pans). */
export function estimateMotion(prevRaw: Uint8Array, nextRaw: Uint8Array, w: number, h: number, opts: { zoom: boolean; margin: number }): Motion {
  const prev = smooth(prevRaw, w, h);
  const next = smooth(nextRaw, w, h);
  const cx = w / 2;
  const cy = h / 2;
  let a = 0; // ratio − 1
  let dx = 0;
  let dy = 0;
  const m = opts.margin;
  let residual = 0;
  for (let iter = 0; iter < 8; iter++) {
    const H = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    const g = [0, 0, 0];
    residual = 0;
    let n = 0;
    for (let y = m; y < h - m; y++) {
      for (let x = m; x < w - m; x++) {
        // Symmetric warp (half the motion on each frame) cancels the interpolation bias
        // a one-sided warp has at fractional offsets.
        const rx = x + 0.5 - cx;
        const ry = y + 0.5 - cy;
        const px = cx + rx * (1 + a / 2) + dx / 2 - 0.5;
        const py = cy + ry * (1 + a / 2) + dy / 2 - 0.5;
        const nx = cx + rx * (1 - a / 2) - dx / 2 - 0.5;
        const ny = cy + ry * (1 - a / 2) - dy / 2 - 0.5;
        const p = sample(prev, w, h, px, py);
        const q = sample(next, w, h, nx, ny);
        const ix = (sample(prev, w, h, px + 0.5, py) - sample(prev, w, h, px - 0.5, py) + sample(next, w, h, nx + 0.5, ny) - sample(next, w, h, nx - 0.5, ny)) / 2;
        const iy = (sample(prev, w, h, px, py + 0.5) - sample(prev, w, h, px, py - 0.5) + sample(next, w, h, nx, ny + 0.5) - sample(next, w, h, nx, ny - 0.5)) / 2;
        const e = q - p;
        residual += Math.abs(e);
        n++;
        const j = opts.zoom ? [ix * rx + iy * ry, ix, iy] : [0, ix, iy];
        for (let r = 0; r < 3; r++) {
          g[r]! += j[r]! * e;
          for (let c = 0; c < 3; c++) H[r]![c]! += j[r]! * j[c]!;
        }
      }
    }
    residual /= n;
    if (!opts.zoom) H[0]![0] = 1;
    const [da, ddx, ddy] = solve3(H, g);
    a += da!;
    dx += ddx!;
    dy += ddy!;
    if (Math.abs(da!) * w < 1e-4 && Math.abs(ddx!) < 1e-4 && Math.abs(ddy!) < 1e-4) break;
  }
  return { ratio: 1 + a, dx, dy, residual };
}
