/**
 * Tonal centroid features, as librosa.feature.tonnetz (0.10.1, librosa/feature/spectral.py) given a chromagram:
 *   dim_map = linspace(0, 12, n_chroma, endpoint=False)
 *   V = outer([7/6, 7/6, 3/2, 3/2, 2/3, 2/3], dim_map);  V[::2] -= 0.5
 *   phi = [1, 1, 1, 1, 0.5, 0.5][:, None] * cos(pi * V)
 *   tonnetz = phi @ util.normalize(chroma, norm=1, axis=0)
 * Rows: fifth (x, y), minor third (x, y), major third (x, y); even rows are the sines (cos shifted by half a turn).
 * Columns whose L1 norm is below tiny(float32) are not normalised (util.normalize's default threshold).
 */
import type { Matrix } from '../types.js';

const FLOAT32_TINY = 1.1754943508222875e-38;
const SCALE = [7 / 6, 7 / 6, 3 / 2, 3 / 2, 2 / 3, 2 / 3] as const;
const RADIUS = [1, 1, 1, 1, 0.5, 0.5] as const;

/** The 6 x nChroma projection matrix phi, row-major. */
export function tonnetzBasis(nChroma: number): Float64Array {
  const phi = new Float64Array(6 * nChroma);
  for (let r = 0; r < 6; r++) {
    for (let c = 0; c < nChroma; c++) {
      const dim = (12 * c) / nChroma;
      const v = SCALE[r]! * dim - (r % 2 === 0 ? 0.5 : 0);
      phi[r * nChroma + c] = RADIUS[r]! * Math.cos(Math.PI * v);
    }
  }
  return phi;
}

/** librosa.feature.tonnetz(chroma=chroma): [6][frames]. */
export function tonnetz(chroma: Matrix): Matrix {
  const { rows: nChroma, cols: frames, data: x } = chroma;
  const phi = tonnetzBasis(nChroma);
  const out = new Float32Array(6 * frames);
  const column = new Float64Array(nChroma);
  for (let t = 0; t < frames; t++) {
    let sum = 0;
    for (let c = 0; c < nChroma; c++) {
      const v = x[c * frames + t]!;
      column[c] = v;
      sum += Math.abs(v);
    }
    const length = sum < FLOAT32_TINY ? 1 : sum;
    for (let r = 0; r < 6; r++) {
      let acc = 0;
      for (let c = 0; c < nChroma; c++) acc += phi[r * nChroma + c]! * column[c]!;
      out[r * frames + t] = acc / length;
    }
  }
  return { data: out, rows: 6, cols: frames };
}
