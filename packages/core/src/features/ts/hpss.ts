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
import { FLOAT32_TINY, istft } from './istft.js';
import { medianFilter } from './median.js';
import { magnitudeValues, stft, type Spectrum } from './stft.js';

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
  const n = x.length;
  if (!Number.isFinite(power)) {
    for (let i = 0; i < n; i++) out[i] = x[i]! > ref[i]! ? 1 : 0;
    return out;
  }
  const zeroValue = splitZeros ? 0.5 : 0;
  const square = power === 2;
  for (let i = 0; i < n; i++) {
    const a = x[i]!;
    const b = ref[i]!;
    const z = a > b ? a : b;
    if (z < FLOAT32_TINY) {
      out[i] = zeroValue;
      continue;
    }
    const ra = a / z;
    const rb = b / z;
    const ma = square ? ra * ra : ra ** power;
    const mb = square ? rb * rb : rb ** power;
    out[i] = ma / (ma + mb);
  }
  return out;
}

/** The harmonic mask of librosa.decompose.hpss(mask=True)[0] for a magnitude spectrogram [nBins][nFrames]. */
export function harmonicMask(magnitude: Float64Array, nBins: number, nFrames: number, p: HpssParams): Float64Array {
  if (!(p.margin >= 1)) throw new RangeError(`margin must be >= 1, got ${p.margin}`);
  const harm = medianFilter(magnitude, nBins, nFrames, p.kernelSize, 1);
  const perc = medianFilter(magnitude, nBins, nFrames, p.kernelSize, 0);
  if (p.margin !== 1) for (let i = 0; i < perc.length; i++) perc[i] = perc[i]! * p.margin;
  // decompose.hpss: split_zeros = margin_harm == 1 and margin_perc == 1.
  return softmask(harm, perc, p.power, p.margin === 1, perc);
}

/** Harmonic component of the STFT (D * mask), in a new Spectrum. */
export function harmonicSpectrum(spec: Spectrum, p: HpssParams): Spectrum {
  const { nBins, nFrames } = spec;
  const n = nBins * nFrames;
  const magnitude = magnitudeValues(spec);
  const mask = harmonicMask(magnitude, nBins, nFrames, p);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = spec.re[i]! * mask[i]!;
    im[i] = spec.im[i]! * mask[i]!;
  }
  return { re, im, nBins, nFrames };
}

/** librosa.effects.harmonic(y, kernel_size, power, margin) with the given STFT framing; same length as `y`. */
export function harmonic(y: Float32Array, stftParams: StftParams, hpssParams: HpssParams): Float32Array {
  if (y.length === 0) return new Float32Array(0);
  const harm = harmonicSpectrum(stft(y, stftParams), hpssParams);
  // librosa returns dtype=y.dtype (float32).
  return Float32Array.from(istft(harm, stftParams, y.length));
}
