/**
 * Harmonic part of a signal by median-filtering HPSS, as librosa.effects.harmonic (0.10.1, librosa/effects.py):
 *   D = stft(y); H, P = decompose.hpss(D, kernel_size, power, margin); y_harm = istft(H, length=len(y)).
 *
 * librosa.decompose.hpss on a complex STFT splits it with core.magphase into S = |D| and the phase, then
 *   harm = median_filter(S, size=(1, kernel)) (along time),  perc = median_filter(S, size=(kernel, 1)) (frequency),
 *   mask_harm = util.softmask(harm, perc * margin, power, split_zeros = (margin == 1))
 * and returns (S * mask_harm) * phase, which is D * mask_harm (phase is 1 where |D| = 0, and there S = 0 anyway).
 * Note `split_zeros`: with margin 1 (the default) librosa gives a mask of 0.5, not 0, where both medians vanish.
 */
import type { HpssParams, StftParams } from '../types.js';
import { FLOAT32_TINY, overlapAdd } from './istft.js';
import { medianFilter, SlidingMedian } from './median.js';
import { magnitudeValues, stftFrames, type FrameSpectrum } from './stft.js';

/**
 * librosa.util.softmask(X, X_ref, power, split_zeros), written into `out`:
 *   Z = max(X, X_ref); where Z < tiny -> split_zeros ? 0.5 : 0; else (X/Z)^p / ((X/Z)^p + (X_ref/Z)^p);
 * power = Infinity gives the hard mask X > X_ref. `tiny` is float32's (librosa's magnitudes are float32).
 */
export function softmask(
  x: Float64Array,
  ref: Float64Array,
  power: number,
  splitZeros: boolean,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  if (!(power > 0)) throw new RangeError(`power must be strictly positive, got ${power}`);
  softmaskRange(x, 0, ref, 0, x.length, power, splitZeros, out, 0);
  return out;
}

/** softmask of the n values x[xAt ..] against ref[refAt ..] into out[outAt ..] (power > 0, checked by the caller). */
function softmaskRange(
  x: Float64Array,
  xAt: number,
  ref: Float64Array,
  refAt: number,
  n: number,
  power: number,
  splitZeros: boolean,
  out: Float64Array,
  outAt: number,
): void {
  if (!Number.isFinite(power)) {
    for (let i = 0; i < n; i++) out[outAt + i] = x[xAt + i]! > ref[refAt + i]! ? 1 : 0;
    return;
  }
  const zeroValue = splitZeros ? 0.5 : 0;
  const square = power === 2;
  for (let i = 0; i < n; i++) {
    const a = x[xAt + i]!;
    const b = ref[refAt + i]!;
    const z = a > b ? a : b;
    if (z < FLOAT32_TINY) {
      out[outAt + i] = zeroValue;
      continue;
    }
    const ra = a / z;
    const rb = b / z;
    const ma = square ? ra * ra : ra ** power;
    const mb = square ? rb * rb : rb ** power;
    out[outAt + i] = ma / (ma + mb);
  }
}

/** The harmonic mask of librosa.decompose.hpss(mask=True)[0] for a magnitude spectrogram [nBins][nFrames]. */
export function harmonicMask(magnitude: Float64Array, nBins: number, nFrames: number, p: HpssParams): Float64Array {
  checkHpssParams(p);
  const harm = medianFilter(magnitude, nBins, nFrames, p.kernelSize, 1);
  const perc = medianFilter(magnitude, nBins, nFrames, p.kernelSize, 0);
  if (p.margin !== 1) for (let i = 0; i < perc.length; i++) perc[i] = perc[i]! * p.margin;
  // decompose.hpss: split_zeros = margin_harm == 1 and margin_perc == 1.
  return softmask(harm, perc, p.power, p.margin === 1, perc);
}

function checkHpssParams(p: HpssParams): void {
  if (!(p.margin >= 1)) throw new RangeError(`margin must be >= 1, got ${p.margin}`);
  if (!(p.power > 0)) throw new RangeError(`power must be strictly positive, got ${p.power}`);
}

/** librosa.effects.harmonic(y, kernel_size, power, margin) with the given STFT framing; same length as `y`. */
export function harmonic(y: Float32Array, stftParams: StftParams, hpssParams: HpssParams): Float32Array {
  if (y.length === 0) return new Float32Array(0);
  const spec = stftFrames(y, stftParams);
  return harmonicOfFrames(spec, magnitudeValues(spec), stftParams, hpssParams, y.length);
}

/**
 * librosa.effects.harmonic from a signal's frame-major STFT (made with `stftParams`) and its magnitude, so a caller
 * that already has both (the spectral features use the same framing) does not compute them again.
 *
 * The time-axis (harmonic) median needs every frame first, so it is stored; the frequency-axis (percussive) median,
 * the mask and D * mask are then made one frame at a time as the inverse STFT consumes them, which keeps two more
 * spectrogram-sized arrays from ever existing.
 */
export function harmonicOfFrames(
  spec: FrameSpectrum,
  magnitude: Float64Array,
  stftParams: StftParams,
  p: HpssParams,
  length: number,
): Float32Array {
  checkHpssParams(p);
  const out = new Float32Array(length); // librosa returns dtype=y.dtype (float32)
  if (length === 0) return out;
  const { nBins, nFrames } = spec;
  const harm = medianFilter(magnitude, nFrames, nBins, p.kernelSize, 0);
  const percussive = new SlidingMedian(p.kernelSize);
  const mask = new Float64Array(nBins);
  // decompose.hpss: split_zeros = margin_harm == 1 and margin_perc == 1.
  const splitZeros = p.margin === 1;
  overlapAdd(nBins, nFrames, stftParams, length, out, (t, re, im) => {
    const at = t * nBins;
    percussive.run(magnitude, at, 1, nBins, mask, 0, 1);
    if (p.margin !== 1) for (let k = 0; k < nBins; k++) mask[k] = mask[k]! * p.margin;
    softmaskRange(harm, at, mask, 0, nBins, p.power, splitZeros, mask, 0);
    for (let k = 0; k < nBins; k++) {
      re[k] = spec.re[at + k]! * mask[k]!;
      im[k] = spec.im[at + k]! * mask[k]!;
    }
  });
  return out;
}
