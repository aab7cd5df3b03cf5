/** librosa.feature.mfcc(S=power_to_db(mel), n_mfcc, dct_type=2, norm='ortho', lifter=0). */

/**
 * The first `nOut` rows of scipy.fftpack.dct(x, type=2, norm='ortho') along an axis of length n, as an nOut x n
 * matrix: y[k] = f_k * sum_j x[j] cos(pi * k * (2j + 1) / (2n)), f_0 = sqrt(1 / n), f_k = sqrt(2 / n). (scipy's
 * unnormalised DCT-II carries a factor 2 that the 'ortho' scaling sqrt(1 / 4n), sqrt(1 / 2n) folds into f_k.)
 */
export function dctOrthoBasis(n: number, nOut: number): Float64Array {
  const basis = new Float64Array(nOut * n);
  for (let k = 0; k < nOut; k++) {
    const f = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let j = 0; j < n; j++) {
      // (k * (2j + 1)) mod 4n keeps the cosine argument small: exact integers, same angle
      basis[k * n + j] = f * Math.cos((Math.PI * ((k * (2 * j + 1)) % (4 * n))) / (2 * n));
    }
  }
  return basis;
}

export function checkMfccParams(nMfcc: number, nMels: number): void {
  if (!Number.isInteger(nMfcc) || nMfcc < 1 || nMfcc > nMels) {
    throw new RangeError(`mfcc.nMfcc must be an integer in [1, nMels = ${nMels}] (got ${nMfcc})`);
  }
}

/** MFCC [nMfcc][nFrames] from log-mel (power_to_db of the mel spectrogram) [nMels][nFrames]: the DCT runs over mels. */
export function mfccFromLogMel(logMel: Float64Array, nMels: number, nFrames: number, nMfcc: number): Float64Array {
  checkMfccParams(nMfcc, nMels);
  const basis = dctOrthoBasis(nMels, nMfcc);
  const out = new Float64Array(nMfcc * nFrames);
  const column = new Float64Array(nMels);
  for (let t = 0; t < nFrames; t++) {
    for (let j = 0; j < nMels; j++) column[j] = logMel[j * nFrames + t]!;
    dctFrame(basis, nMels, nMfcc, column, 0, out, t, nFrames);
  }
  return out;
}

/** mfccFromLogMel of a frame-major log-mel [nFrames][nMels]; the result is still [nMfcc][nFrames]. */
export function mfccFromLogMelFrames(logMel: Float64Array, nMels: number, nFrames: number, nMfcc: number): Float64Array {
  checkMfccParams(nMfcc, nMels);
  const basis = dctOrthoBasis(nMels, nMfcc);
  const out = new Float64Array(nMfcc * nFrames);
  for (let t = 0; t < nFrames; t++) dctFrame(basis, nMels, nMfcc, logMel, t * nMels, out, t, nFrames);
  return out;
}

/**
 * The DCT of one frame's log-mel x[at .. at + nMels) into column t of out [nMfcc][nFrames]: one dot product per
 * coefficient, four coefficients per pass so they share each load of x.
 */
function dctFrame(
  basis: Float64Array,
  nMels: number,
  nMfcc: number,
  x: Float64Array,
  at: number,
  out: Float64Array,
  t: number,
  nFrames: number,
): void {
  let k = 0;
  for (; k + 4 <= nMfcc; k += 4) {
    const b0 = k * nMels;
    const b1 = b0 + nMels;
    const b2 = b1 + nMels;
    const b3 = b2 + nMels;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let j = 0; j < nMels; j++) {
      const v = x[at + j]!;
      a0 += basis[b0 + j]! * v;
      a1 += basis[b1 + j]! * v;
      a2 += basis[b2 + j]! * v;
      a3 += basis[b3 + j]! * v;
    }
    out[k * nFrames + t] = a0;
    out[(k + 1) * nFrames + t] = a1;
    out[(k + 2) * nFrames + t] = a2;
    out[(k + 3) * nFrames + t] = a3;
  }
  for (; k < nMfcc; k++) {
    let a = 0;
    for (let j = 0; j < nMels; j++) a += basis[k * nMels + j]! * x[at + j]!;
    out[k * nFrames + t] = a;
  }
}
