/** librosa.power_to_db(S, ref=1.0, amin, top_db). */
import type { DbParams } from '../types.js';

export function checkDbParams(p: DbParams): void {
  if (!(Number.isFinite(p.amin) && p.amin > 0)) throw new RangeError(`db.amin must be a finite number > 0 (got ${p.amin})`);
  if (p.topDb !== null && !(Number.isFinite(p.topDb) && p.topDb >= 0)) {
    throw new RangeError(`db.topDb must be null or a finite number >= 0 (got ${p.topDb})`);
  }
}

/**
 * 10 * log10(max(amin, S)) - 10 * log10(max(amin, ref)) with ref = 1 (so the second term is 0), then, with top_db,
 * np.maximum(log_spec, log_spec.max() - top_db): the floor is relative to the largest value of the WHOLE input (all
 * frames at once, as librosa does), not per frame. The values are taken as they are: librosa does not square
 * magnitudes here (spectral_contrast passes amplitudes on purpose). Returns a new array.
 */
export function powerToDb(values: Float64Array, p: DbParams): Float64Array {
  const out = new Float64Array(values.length);
  const amin = p.amin;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const v = 10.0 * Math.log10(x > amin ? x : amin);
    out[i] = v;
    if (v > max) max = v;
  }
  if (p.topDb !== null && out.length > 0) {
    const floor = max - p.topDb;
    for (let i = 0; i < out.length; i++) if (out[i]! < floor) out[i] = floor;
  }
  return out;
}
