/** librosa.feature.spectral_contrast(S=|STFT|, sr, fmin, n_bands, quantile, linear=False), librosa 0.10.1. */
import type { ContrastParams } from '../types.js';
import { powerToDb } from './db.js';
import { fftFrequency } from './mel.js';
import { transpose } from './stft.js';

/** One octave band: the bins it sorts and how many of the lowest / highest it averages. */
interface Band {
  from: number;
  /** exclusive */
  to: number;
  take: number;
}

/** np.rint: halves go to the even neighbour. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function checkContrastParams(sr: number, p: ContrastParams): void {
  if (!(Number.isFinite(p.fmin) && p.fmin > 0)) throw new RangeError(`contrast.fmin must be a finite number > 0 (got ${p.fmin})`);
  if (!Number.isInteger(p.nBands) || p.nBands < 1 || p.nBands > 12) {
    throw new RangeError(`contrast.nBands must be an integer in [1, 12] (got ${p.nBands})`);
  }
  if (!(p.quantile > 0 && p.quantile < 1)) throw new RangeError(`contrast.quantile must be in (0, 1) (got ${p.quantile})`);
  // librosa: ParameterError "Frequency band exceeds Nyquist" when any lower band edge is >= sr / 2
  const topLow = p.fmin * 2.0 ** (p.nBands - 1);
  if (!(topLow < 0.5 * sr)) {
    throw new RangeError(
      `contrast: the highest band starts at fmin * 2^(nBands - 1) = ${topLow} Hz, which must be below ` +
        `sampleRate / 2 = ${sr / 2} Hz; reduce fmin or nBands`,
    );
  }
}

/**
 * The bands exactly as librosa 0.10.1 cuts them (its quirks included). Edges octa = [0, fmin, 2 fmin, ...,
 * fmin 2^n_bands]; band k first takes the bins with octa[k] <= f <= octa[k+1] (f = rfftfreq(n_fft)), then
 * - k > 0 also takes the bin just below (current_band[idx[0] - 1] = True);
 * - the last band (k == n_bands) takes every bin above as well (current_band[idx[-1] + 1:] = True);
 * - the quantile count is max(1, np.rint(quantile * bins in the band)), counted BEFORE the next step;
 * - every band but the last drops its highest bin from the sorted set (sub_band[:-1]).
 * librosa fails on an empty band (IndexError); so do we, with a RangeError.
 */
export function contrastBands(sr: number, nFft: number, nBins: number, p: ContrastParams): Band[] {
  checkContrastParams(sr, p);
  const octa = new Float64Array(p.nBands + 2);
  for (let j = 1; j < octa.length; j++) octa[j] = p.fmin * 2.0 ** (j - 1);
  const bands: Band[] = [];
  for (let k = 0; k <= p.nBands; k++) {
    const fLow = octa[k]!;
    const fHigh = octa[k + 1]!;
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < nBins; i++) {
      const f = fftFrequency(sr, nFft, i);
      if (f >= fLow && f <= fHigh) {
        if (lo < 0) lo = i;
        hi = i;
      }
    }
    if (lo < 0) {
      throw new RangeError(
        `contrast: band ${k} (${fLow} to ${fHigh} Hz) holds no FFT bin at nFft ${nFft}; use a larger nFft or a higher fmin`,
      );
    }
    if (k > 0) lo -= 1;
    if (k === p.nBands) hi = nBins - 1;
    const inBand = hi - lo + 1;
    const to = k < p.nBands ? hi : hi + 1;
    if (to <= lo) {
      throw new RangeError(`contrast: band ${k} (${fLow} to ${fHigh} Hz) is empty once its top bin is dropped; use a larger nFft`);
    }
    bands.push({ from: lo, to, take: Math.max(1, rint(p.quantile * inBand)) });
  }
  return bands;
}

/**
 * Sum of the `take` smallest values of x[from..to), kept in `buf` (sorted ascending) while scanning from the top
 * bin down: spectra mostly fall with frequency, so the small values come first and later ones rarely enter. Equal
 * to the sum of np.sort(band)[:take] (only which values are the extremes matters, not their order).
 */
function sumSmallest(x: Float64Array, from: number, to: number, take: number, buf: Float64Array): number {
  let filled = 0;
  for (let i = to - 1; i >= from; i--) {
    const v = x[i]!;
    if (filled === take && !(v < buf[take - 1]!)) continue;
    let j = filled < take ? filled++ : take - 1;
    while (j > 0 && buf[j - 1]! > v) {
      buf[j] = buf[j - 1]!;
      j--;
    }
    buf[j] = v;
  }
  let sum = 0;
  for (let i = 0; i < filled; i++) sum += buf[i]!;
  return sum;
}

/** Sum of the `take` largest values of x[from..to) (np.sort(band)[-take:]), scanning up from the lowest bin. */
function sumLargest(x: Float64Array, from: number, to: number, take: number, buf: Float64Array): number {
  let filled = 0;
  for (let i = from; i < to; i++) {
    const v = x[i]!;
    if (filled === take && !(v > buf[take - 1]!)) continue;
    let j = filled < take ? filled++ : take - 1;
    while (j > 0 && buf[j - 1]! < v) {
      buf[j] = buf[j - 1]!;
      j--;
    }
    buf[j] = v;
  }
  let sum = 0;
  for (let i = 0; i < filled; i++) sum += buf[i]!;
  return sum;
}

/** librosa.power_to_db's defaults, which spectral_contrast applies to peak and valley (ref=1, amin=1e-10, top_db=80). */
const CONTRAST_DB = { amin: 1e-10, topDb: 80 } as const;

/**
 * Spectral contrast [(nBands + 1)][nFrames] of a magnitude spectrogram S [nBins][nFrames] (n_fft = 2 * (nBins - 1),
 * as librosa infers it from S). Per band and frame: valley = mean of the `take` smallest values, peak = mean of the
 * `take` largest; contrast = power_to_db(peak) - power_to_db(valley), each power_to_db over the WHOLE peak (resp.
 * valley) matrix, so the -80 dB floor is relative to the largest peak (resp. valley) of the signal.
 */
export function spectralContrast(S: Float64Array, nBins: number, nFrames: number, sr: number, p: ContrastParams): Float64Array {
  return spectralContrastFrames(transpose(S, nFrames, nBins), nBins, nFrames, sr, p);
}

/** spectralContrast of a frame-major magnitude spectrogram [nFrames][nBins]; the result is [(nBands + 1)][nFrames]. */
export function spectralContrastFrames(frames: Float64Array, nBins: number, nFrames: number, sr: number, p: ContrastParams): Float64Array {
  const bands = contrastBands(sr, 2 * (nBins - 1), nBins, p);
  const rows = bands.length;
  const peak = new Float64Array(rows * nFrames);
  const valley = new Float64Array(rows * nFrames);
  const buf = new Float64Array(Math.max(...bands.map((b) => b.take)));
  for (let k = 0; k < rows; k++) {
    const band = bands[k]!;
    const take = Math.min(band.take, band.to - band.from);
    for (let t = 0; t < nFrames; t++) {
      const at = t * nBins;
      // valley / peak = np.mean of the first / last `take` of np.sort(band)
      valley[k * nFrames + t] = sumSmallest(frames, at + band.from, at + band.to, take, buf) / take;
      peak[k * nFrames + t] = sumLargest(frames, at + band.from, at + band.to, take, buf) / take;
    }
  }
  const peakDb = powerToDb(peak, CONTRAST_DB);
  const valleyDb = powerToDb(valley, CONTRAST_DB);
  for (let i = 0; i < peakDb.length; i++) peakDb[i] = peakDb[i]! - valleyDb[i]!;
  return peakDb;
}
