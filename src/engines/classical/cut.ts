/**
 * Minimum-error boundary cut (Efros & Freeman 2001): the cheapest 8-connected path through an
 * overlap's error surface, so neighbouring blocks meet where they already agree.
 */

/**
 * `e[i*m + j]` is the error at step i along the cut and offset j across the overlap (m wide).
 * Returns, for each of the n steps, the offset j where the cut crosses.
 */
export function minErrorCut(e: Float32Array, n: number, m: number): Int32Array {
  const cost = new Float32Array(n * m);
  const from = new Int8Array(n * m);
  for (let j = 0; j < m; j++) cost[j] = e[j]!;
  for (let i = 1; i < n; i++) {
    const row = i * m;
    const prev = row - m;
    for (let j = 0; j < m; j++) {
      let best = cost[prev + j]!;
      let dir = 0;
      if (j > 0 && cost[prev + j - 1]! < best) {
        best = cost[prev + j - 1]!;
        dir = -1;
      }
      if (j + 1 < m && cost[prev + j + 1]! < best) {
        best = cost[prev + j + 1]!;
        dir = 1;
      }
      cost[row + j] = e[row + j]! + best;
      from[row + j] = dir;
    }
  }
  const cut = new Int32Array(n);
  let bj = 0;
  const last = (n - 1) * m;
  for (let j = 1; j < m; j++) if (cost[last + j]! < cost[last + bj]!) bj = j;
  for (let i = n - 1; i >= 0; i--) {
    cut[i] = bj;
    bj += from[i * m + bj]!;
  }
  return cut;
}
