/** librosa.filters.mel and librosa.feature.melspectrogram (on a precomputed |STFT|^power). */
import type { MelParams } from '../types.js';
import type { FrameSpectrum, StftFramer } from './stft.js';

/** np.linspace(start, stop, num) element i: i * step + start, the last one exactly stop. */
export function linspaceAt(start: number, stop: number, num: number, i: number): number {
  if (num === 1) return start;
  if (i === num - 1) return stop;
  return i * ((stop - start) / (num - 1)) + start;
}

/** np.fft.rfftfreq(n_fft, d=1/sr) element k, i.e. librosa.fft_frequencies: k * (1 / (n * d)). */
export function fftFrequency(sr: number, nFft: number, k: number): number {
  return k * (1.0 / (nFft * (1.0 / sr)));
}

// librosa.core.convert's Slaney constants: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
const F_SP = 200.0 / 3;
const MIN_LOG_HZ = 1000.0;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27.0;

/** librosa.hz_to_mel (Slaney by default, HTK 2595 log10(1 + f / 700) when htk). */
export function hzToMel(f: number, htk: boolean): number {
  if (htk) return 2595.0 * Math.log10(1.0 + f / 700.0);
  return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOGSTEP : f / F_SP;
}

/** librosa.mel_to_hz, the inverse of hzToMel. */
export function melToHz(m: number, htk: boolean): number {
  if (htk) return 700.0 * (10.0 ** (m / 2595.0) - 1.0);
  return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (m - MIN_LOG_MEL)) : F_SP * m;
}

/** librosa.mel_frequencies(n, fmin, fmax, htk): n band edges uniformly spaced on the mel scale. */
export function melFrequencies(n: number, fmin: number, fmax: number, htk: boolean): Float64Array {
  const lo = hzToMel(fmin, htk);
  const hi = hzToMel(fmax, htk);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = melToHz(linspaceAt(lo, hi, n, i), htk);
  return out;
}

export function checkMelParams(sr: number, p: MelParams): void {
  if (!Number.isInteger(p.nMels) || p.nMels < 1 || p.nMels > 1024) {
    throw new RangeError(`mel.nMels must be an integer in [1, 1024] (got ${p.nMels})`);
  }
  if (!Number.isFinite(p.fmin) || p.fmin < 0) throw new RangeError(`mel.fmin must be a finite number >= 0 (got ${p.fmin})`);
  if (!(p.fmax > p.fmin && p.fmax <= sr / 2)) {
    throw new RangeError(`mel.fmax must be in (fmin, sampleRate / 2] = (${p.fmin}, ${sr / 2}] (got ${p.fmax})`);
  }
  if (!(Number.isFinite(p.power) && p.power > 0)) throw new RangeError(`mel.power must be a finite number > 0 (got ${p.power})`);
}

/**
 * librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm) as [nMels][nBins], nBins = 1 + n_fft // 2.
 * Triangles between consecutive mel_frequencies(n_mels + 2) edges, max(0, min(lower, upper)) with lower / upper the
 * rising / falling ramps; norm 'slaney' scales each by 2 / (f[i + 2] - f[i]) (constant energy per channel).
 * librosa stores the weights as float32 (dtype=np.float32 default) before and after the Slaney scaling, so we round
 * them the same way: the filterbank is then librosa's exact matrix, and only the products run in float64.
 */
export function melFilterbank(
  sr: number,
  nFft: number,
  p: Pick<MelParams, 'nMels' | 'fmin' | 'fmax' | 'htk' | 'norm'>,
): Float64Array {
  const nBins = (nFft >> 1) + 1;
  const nMels = p.nMels;
  const melF = melFrequencies(nMels + 2, p.fmin, p.fmax, p.htk);
  const weights = new Float64Array(nMels * nBins);
  for (let i = 0; i < nMels; i++) {
    const fdiffLo = melF[i + 1]! - melF[i]!;
    const fdiffHi = melF[i + 2]! - melF[i + 1]!;
    const enorm = p.norm === 'slaney' ? 2.0 / (melF[i + 2]! - melF[i]!) : 1;
    for (let k = 0; k < nBins; k++) {
      const f = fftFrequency(sr, nFft, k);
      const lower = -(melF[i]! - f) / fdiffLo;
      const upper = (melF[i + 2]! - f) / fdiffHi;
      let w = Math.fround(Math.max(0, Math.min(lower, upper)));
      if (p.norm === 'slaney') w = Math.fround(w * enorm);
      weights[i * nBins + k] = w;
    }
  }
  return weights;
}

/**
 * melspectrogram = filterbank . S (np.einsum '...ft,mf->...mt'), S = |STFT|^power as [nBins][nFrames]. Each filter is
 * non-zero on one contiguous run of bins, so we only visit that run, and accumulate whole frame rows at a time.
 */
export function melSpectrogram(powerSpec: Float64Array, filterbank: Float64Array, nMels: number, nFrames: number): Float64Array {
  const nBins = filterbank.length / nMels;
  if (!Number.isInteger(nBins) || powerSpec.length !== nBins * nFrames) {
    throw new RangeError(
      `melSpectrogram: a ${nMels}-band filterbank of ${filterbank.length} weights does not fit a spectrogram of ${powerSpec.length} cells`,
    );
  }
  const out = new Float64Array(nMels * nFrames);
  for (let m = 0; m < nMels; m++) {
    const row = m * nBins;
    const dst = m * nFrames;
    for (let k = 0; k < nBins; k++) {
      const w = filterbank[row + k]!;
      if (w === 0) continue;
      const src = k * nFrames;
      for (let t = 0; t < nFrames; t++) out[dst + t] = out[dst + t]! + w * powerSpec[src + t]!;
    }
  }
  return out;
}

/**
 * A filterbank [nRows][nBins] with, per row, the run of bins outside which its weights are all zero: a mel triangle
 * covers a few dozen of the 1025 bins, so per-frame products only visit those.
 */
export interface BandedFilterbank {
  nRows: number;
  nBins: number;
  weights: Float64Array;
  /** First bin of row r's run. */
  from: Int32Array;
  /** One past its last bin (from[r] when the row is all zeros). */
  to: Int32Array;
}

export function bandedFilterbank(weights: Float64Array, nRows: number): BandedFilterbank {
  const nBins = weights.length / nRows;
  const from = new Int32Array(nRows);
  const to = new Int32Array(nRows);
  for (let r = 0; r < nRows; r++) {
    let lo = nBins;
    let hi = 0;
    for (let k = 0; k < nBins; k++) {
      if (weights[r * nBins + k] !== 0) {
        lo = Math.min(lo, k);
        hi = k + 1;
      }
    }
    from[r] = lo < hi ? lo : 0;
    to[r] = lo < hi ? hi : 0;
  }
  return { nRows, nBins, weights, from, to };
}

/**
 * |X|^exponent of one frame's bins re / im [at .. at + n) into out[0 .. n): the same expressions as stft.power and
 * stft.magnitudeValues, so a mel spectrogram made frame by frame equals one made from those arrays.
 */
export function framePower(re: Float64Array, im: Float64Array, at: number, n: number, exponent: number, out: Float64Array): void {
  if (exponent === 2) {
    for (let k = 0; k < n; k++) {
      const r = re[at + k]!;
      const i = im[at + k]!;
      out[k] = r * r + i * i;
    }
  } else if (exponent === 1) {
    for (let k = 0; k < n; k++) {
      const r = re[at + k]!;
      const i = im[at + k]!;
      out[k] = Math.sqrt(r * r + i * i);
    }
  } else {
    for (let k = 0; k < n; k++) {
      const r = re[at + k]!;
      const i = im[at + k]!;
      out[k] = (r * r + i * i) ** (exponent / 2);
    }
  }
}

/**
 * out[outAt + r] = sum over row r's run of weight * x[k], for one frame x: the filterbank . S product of
 * melSpectrogram, summed in the same (ascending bin) order from the same zero start, so the values are identical.
 */
export function applyBanded(fb: BandedFilterbank, x: Float64Array, out: Float64Array, outAt: number): void {
  const { nRows, nBins, weights, from, to } = fb;
  for (let r = 0; r < nRows; r++) {
    const row = r * nBins;
    let acc = 0;
    for (let k = from[r]!, end = to[r]!; k < end; k++) acc += weights[row + k]! * x[k]!;
    out[outAt + r] = acc;
  }
}

/**
 * The mel spectrogram filterbank . |X|^exponent, frame-major [nFrames][nRows], of a stored frame-major spectrum or
 * straight from an STFT framer (then no spectrum is ever stored: each frame is transformed, reduced and dropped).
 */
export function melFrames(source: FrameSpectrum | StftFramer, fb: BandedFilterbank, exponent: number): Float64Array {
  const { nBins, nFrames } = source;
  if (fb.nBins !== nBins) throw new RangeError(`a filterbank over ${fb.nBins} bins does not fit a spectrum of ${nBins} bins`);
  const out = new Float64Array(nFrames * fb.nRows);
  const powers = new Float64Array(nBins);
  if ('layout' in source) {
    for (let t = 0; t < nFrames; t++) {
      framePower(source.re, source.im, t * nBins, nBins, exponent, powers);
      applyBanded(fb, powers, out, t * fb.nRows);
    }
    return out;
  }
  const re = new Float64Array(nBins);
  const im = new Float64Array(nBins);
  for (let t = 0; t < nFrames; t++) {
    source.frame(t, re, im);
    framePower(re, im, 0, nBins, exponent, powers);
    applyBanded(fb, powers, out, t * fb.nRows);
  }
  return out;
}
