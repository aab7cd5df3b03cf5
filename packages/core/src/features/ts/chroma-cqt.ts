/**
 * Constant-Q chromagram, as librosa.feature.chroma_cqt (0.10.1, librosa/feature/spectral.py) with cqt_mode='full',
 * norm=inf, threshold=0, window=None, n_chroma=12:
 *   C = |cqt(y, sr, hop, fmin, n_bins = n_octaves * bpo, bpo, tuning)|
 *   chroma = filters.cq_to_chroma(n_bins, bpo, n_chroma, fmin) @ C;  chroma[chroma < threshold] = 0
 *   chroma = util.normalize(chroma, norm=inf, axis=0)
 * With tuning null, cqt (vqt) estimates it first: estimate_tuning(y=y, sr, bins_per_octave=bpo), which runs piptrack
 * on its own magnitude spectrogram (_spectrogram(power=1)) with piptrack's defaults: n_fft 2048, hop 512, Hann,
 * center, constant padding. Note that cq_to_chroma gets the untuned fmin.
 */
import type { ChromaCqtParams, Matrix, StftParams } from '../types.js';
import { cqtMagnitude } from './cqt.js';
import { StftFramer } from './stft.js';
import { estimateTuningOfSpectrum } from './tuning.js';

/** The STFT framing of librosa.estimate_tuning(y=...) -> piptrack's defaults (n_fft=2048, hop = n_fft // 4). */
export const PIPTRACK_STFT: StftParams = { nFft: 2048, hopLength: 512, winLength: 2048, center: true };

/** np.finfo(np.float32).tiny: util.normalize's default threshold for librosa's float32 chroma. */
const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * filters.cq_to_chroma(n_input, bins_per_octave, n_chroma, fmin, base_c=True) as a dense [nChroma][nInput] matrix:
 * each chroma bin sums the n_merge = bpo / n_chroma CQT bins centred on it (identity repeated n_merge times, rolled
 * left by n_merge // 2), tiled over the octaves, then rolled down by round(midi(fmin) mod 12 * n_chroma / 12) so
 * row 0 is C.
 */
export function cqToChroma(nInput: number, binsPerOctave: number, nChroma: number, fmin: number): Float64Array {
  const nMerge = binsPerOctave / nChroma;
  if (!Number.isInteger(nMerge)) {
    throw new RangeError(`bins_per_octave=${binsPerOctave} must be an integer multiple of n_chroma=${nChroma}`);
  }
  const shift = Math.floor(nMerge / 2);
  const midi = 12 * (Math.log2(fmin) - Math.log2(440)) + 69;
  const midi0 = ((midi % 12) + 12) % 12;
  // np.round: half to even; the argument is never exactly .5 here in practice, but keep numpy's rule.
  const roll = roundHalfEven(midi0 * (nChroma / 12));
  const m = new Float64Array(nChroma * nInput);
  for (let j = 0; j < nInput; j++) {
    // Column j of the tiled, left-rolled block is column (j + shift) mod bpo of repeat(eye(n_chroma), n_merge).
    const source = (j % binsPerOctave + shift) % binsPerOctave;
    const c = Math.floor(source / nMerge);
    // np.roll(..., roll, axis=0): row r takes row r - roll.
    const row = (((c + roll) % nChroma) + nChroma) % nChroma;
    m[row * nInput + j] = 1;
  }
  return m;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * librosa.estimate_tuning(y=y, sr, bins_per_octave) as vqt calls it: piptrack on |stft(y)| (_spectrogram with
 * power=1). librosa's magnitudes are float32 and piptrack makes discrete choices (peaks, the median threshold) on
 * them, so the estimate runs on the float32-rounded magnitudes (stft.magnitude32).
 */
export function estimateTuning(y: Float32Array, sr: number, binsPerOctave: number, framing: StftParams = PIPTRACK_STFT): number {
  return estimateTuningOfSpectrum(new StftFramer(y, framing), sr, framing.nFft, binsPerOctave);
}

/**
 * librosa.feature.chroma_cqt(y=y, sr, hop_length, fmin, n_octaves, bins_per_octave, tuning, norm=inf,
 * threshold=0). `tuningStft` is the framing of the tuning estimate's spectrogram (piptrack's defaults unless told);
 * returns the chroma [12][frames] and the tuning used, in fractions of a CQT bin.
 */
export function chromaCqt(
  y: Float32Array,
  sr: number,
  p: ChromaCqtParams,
  tuningStft: StftParams = PIPTRACK_STFT,
): { chroma: Matrix; tuning: number } {
  const nChroma = 12;
  const nBins = p.nOctaves * p.binsPerOctave;
  const tuning = p.tuning ?? estimateTuning(y, sr, p.binsPerOctave, tuningStft);

  const C = cqtMagnitude(y, sr, {
    hopLength: p.hopLength,
    fmin: p.fmin,
    nBins,
    binsPerOctave: p.binsPerOctave,
    tuning,
  });
  const frames = C.nFrames;
  const map = cqToChroma(nBins, p.binsPerOctave, nChroma, p.fmin);
  const chroma = new Float64Array(nChroma * frames);
  for (let c = 0; c < nChroma; c++) {
    const row = chroma.subarray(c * frames, (c + 1) * frames);
    for (let b = 0; b < nBins; b++) {
      if (map[c * nBins + b] === 0) continue;
      const src = C.data.subarray(b * frames, (b + 1) * frames);
      for (let t = 0; t < frames; t++) row[t] = row[t]! + src[t]!;
    }
  }

  // threshold=0.0: chroma[chroma < 0] = 0 (a no-op for magnitudes), then util.normalize(norm=inf, axis=0): columns
  // whose max is below tiny(float32) are left as they are.
  const data = new Float32Array(nChroma * frames);
  for (let t = 0; t < frames; t++) {
    let max = 0;
    for (let c = 0; c < nChroma; c++) {
      const v = chroma[c * frames + t]!;
      if (v < 0) chroma[c * frames + t] = 0;
      else if (v > max) max = v;
    }
    const length = max < FLOAT32_TINY ? 1 : max;
    for (let c = 0; c < nChroma; c++) data[c * frames + t] = chroma[c * frames + t]! / length;
  }
  return { chroma: { data, rows: nChroma, cols: frames }, tuning };
}
