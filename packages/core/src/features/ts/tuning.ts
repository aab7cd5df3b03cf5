/**
 * librosa.piptrack + librosa.estimate_tuning + librosa.pitch_tuning (librosa/core/pitch.py, 0.10.1).
 *
 * The tuning is the left edge of the fullest bin of a 100-bin histogram, a discrete decision: one peak moving across
 * a bin edge can change it. So this module reproduces librosa's arithmetic operation by operation, including where it
 * runs in float32: librosa's |STFT| is float32 (np.abs of complex64), piptrack's interpolation mixes float32 and
 * float64 the way numba types its stencil, pitches and magnitudes are stored in float32 arrays, np.median of float32
 * is a float32 mean, and hz_to_octs / np.mod then run on float32 arrays. Math.fround marks every float32 rounding.
 */
import { fftFrequency, linspaceAt } from './mel.js';
import { magnitude32Into, type FrameSpectrum, type StftFramer } from './stft.js';

export interface PiptrackOptions {
  /** Lowest frequency considered, Hz (librosa default 150). */
  fmin?: number;
  /** Frequencies must be strictly below this, Hz (librosa default 4000, capped at sr / 2). */
  fmax?: number;
  /** A bin counts when S > threshold * max(S of its frame) (librosa default 0.1). */
  threshold?: number;
}

/** piptrack's non-zero entries (its pitches > 0), in no particular order: float32 values, as librosa stores them. */
export interface PitchPeaks {
  pitch: Float32Array;
  mag: Float32Array;
  count: number;
}

/** Float32 values of a magnitude spectrogram: librosa works on float32 |STFT|. */
function asFloat32(S: Float64Array | Float32Array): Float32Array {
  return S instanceof Float32Array ? S : Float32Array.from(S);
}

/**
 * librosa.piptrack(S=S, sr, n_fft, fmin, fmax, threshold) on a magnitude spectrogram [nBins][nFrames] of float32
 * values, returning only the peaks. Per frame, as librosa:
 * - ref = threshold * np.max(S[:, t]) (float32: numpy casts the Python float to float32 first);
 * - a peak is util.localmax(S * (S > ref)) along frequency: x[i] > x[i-1] and x[i] >= x[i+1], the first bin never,
 *   the last bin when x[-1] > x[-2]; only bins with fmin <= f < fmax (f = rfftfreq) count;
 * - shift = _parabolic_interpolation(S) (a numba stencil on float32 input: a = (x[1] + x[-1]) in float32 minus
 *   2 * x[0] in float64, b = (x[1] - x[-1]) in float32 / 2 in float64, 0 when |b| >= |a| else -b / a, stored float32);
 * - avg = np.gradient(S) (float32), dskew = 0.5 * avg * shift (float32);
 * - pitch = (i + shift) * sr / n_fft (float64, stored float32), mag = S + dskew (float32).
 */
export function piptrack(
  S: Float32Array,
  nBins: number,
  nFrames: number,
  sr: number,
  nFft: number,
  options: PiptrackOptions = {},
): PitchPeaks {
  return piptrackFrames(transpose32(S, nFrames, nBins), nBins, nFrames, sr, nFft, options);
}

/** [rows][cols] copy of a float32 [cols][rows] matrix. */
function transpose32(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r * cols + c] = x[c * rows + r]!;
  return out;
}

/** piptrack of a frame-major spectrogram S [nFrames][nBins]: each frame's bins are one contiguous run. */
export function piptrackFrames(
  S: Float32Array,
  nBins: number,
  nFrames: number,
  sr: number,
  nFft: number,
  options: PiptrackOptions = {},
): PitchPeaks {
  const tracker = new PeakTracker(nBins, sr, nFft, options);
  for (let t = 0; t < nFrames; t++) tracker.add(S, t * nBins);
  return tracker.peaks;
}

/** piptrack frame by frame: `add` one frame's float32 magnitudes at a time; the peaks gather in `peaks`. */
export class PeakTracker {
  readonly peaks: PitchPeaks = { pitch: new Float32Array(256), mag: new Float32Array(256), count: 0 };
  readonly #nBins: number;
  readonly #sr: number;
  readonly #nFft: number;
  readonly #threshold32: number;
  /** Bins with fmin <= f < fmax, from 1 (localmax never marks the first bin): iLo .. iHi - 1. */
  readonly #iLo: number;
  readonly #iHi: number;

  constructor(nBins: number, sr: number, nFft: number, options: PiptrackOptions = {}) {
    const fmin = Math.max(options.fmin ?? 150.0, 0);
    const fmax = Math.min(options.fmax ?? 4000.0, sr / 2);
    this.#threshold32 = Math.fround(options.threshold ?? 0.1);
    let iLo = nBins;
    let iHi = 0;
    for (let k = 0; k < nBins; k++) {
      const f = fftFrequency(sr, nFft, k);
      if (fmin <= f && f < fmax) {
        iLo = Math.min(iLo, k);
        iHi = k + 1;
      }
    }
    this.#iLo = Math.max(iLo, 1);
    this.#iHi = nBins < 2 ? 0 : iHi;
    this.#nBins = nBins;
    this.#sr = sr;
    this.#nFft = nFft;
  }

  /** piptrack's work on one frame S[at .. at + nBins). */
  add(S: Float32Array, at: number): void {
    framePeaks(S, at, this.#nBins, this.#iLo, this.#iHi, this.#threshold32, this.#sr, this.#nFft, this.peaks);
  }
}

/** piptrack's work on one frame S[at .. at + nBins): appends its peaks to `peaks`. */
function framePeaks(
  S: Float32Array,
  at: number,
  nBins: number,
  iLo: number,
  iHi: number,
  threshold32: number,
  sr: number,
  nFft: number,
  peaks: PitchPeaks,
): void {
  if (iHi <= iLo) return;
  const last = nBins - 1;
  let mx = -Infinity;
  for (let i = 0; i < nBins; i++) mx = Math.max(mx, S[at + i]!);
  const ref = Math.fround(threshold32 * mx);
  for (let i = iLo; i < iHi; i++) {
    // util.localmax of S * (S > ref): values at or below ref count as 0
    const c = S[at + i]!;
    if (!(c > ref)) continue; // masked to 0, it cannot exceed its (non-negative, masked) left neighbour
    const l = S[at + i - 1]!;
    const lm = l > ref ? l : 0;
    let isMax: boolean;
    if (i === last) {
      isMax = c > lm;
    } else {
      const r = S[at + i + 1]!;
      isMax = c > lm && c >= (r > ref ? r : 0);
    }
    if (!isMax) continue;
    const x0 = c;
    let shift = 0;
    let avg: number;
    if (i === last) {
      avg = Math.fround(x0 - l); // np.gradient's one-sided edge
    } else {
      const xp = S[at + i + 1]!;
      const xm = l;
      const a = Math.fround(xp + xm) - 2 * x0;
      const b = Math.fround(xp - xm) / 2;
      if (!(Math.abs(b) >= Math.abs(a))) shift = Math.fround(-b / a);
      avg = Math.fround(xp - xm) / 2; // np.gradient interior (float32 halving is exact)
    }
    const dskew = Math.fround(0.5 * avg * shift);
    const p = Math.fround(((i + shift) * sr) / nFft);
    if (!(p > 0)) continue; // estimate_tuning only keeps pitch > 0
    if (peaks.count === peaks.pitch.length) grow(peaks);
    peaks.pitch[peaks.count] = p;
    peaks.mag[peaks.count] = Math.fround(x0 + dskew);
    peaks.count++;
  }
}

function grow(peaks: PitchPeaks): void {
  const pitch = new Float32Array(peaks.pitch.length * 2);
  const mag = new Float32Array(peaks.mag.length * 2);
  pitch.set(peaks.pitch);
  mag.set(peaks.mag);
  peaks.pitch = pitch;
  peaks.mag = mag;
}

/** np.median of float32 values: the middle one, or the float32 mean of the two middle ones (np.mean keeps float32). */
function medianFloat32(values: Float32Array): number {
  const work = values.slice();
  const n = work.length;
  const h = n >> 1;
  const upper = selectInPlace(work, h);
  if (n % 2 === 1) return upper;
  // after the selection work[0 .. h) holds the h smallest values: the largest of them is the lower middle one
  let lower = -Infinity;
  for (let i = 0; i < h; i++) if (work[i]! > lower) lower = work[i]!;
  return Math.fround(Math.fround(lower + upper) / 2);
}

/**
 * Quickselect: reorders x so that x[k] is the value a full sort would put there, everything before it <= x[k] and
 * everything after >= x[k]; returns x[k]. Median-of-three pivots keep it linear on the sorted or constant runs
 * that spectra produce. Inputs must not contain NaN.
 */
function selectInPlace(x: Float32Array, k: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // order x[lo], x[mid], x[hi] so the pivot (their median) sits at mid and both ends act as sentinels
    if (x[mid]! < x[lo]!) swap(x, mid, lo);
    if (x[hi]! < x[lo]!) swap(x, hi, lo);
    if (x[hi]! < x[mid]!) swap(x, hi, mid);
    const pivot = x[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (x[i]! < pivot) i++;
      while (x[j]! > pivot) j--;
      if (i <= j) {
        swap(x, i, j);
        i++;
        j--;
      }
    }
    // now x[lo .. j] <= pivot <= x[i .. hi], and anything strictly between j and i equals the pivot
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return x[k]!;
  }
  return x[k]!;
}

function swap(x: Float32Array, a: number, b: number): void {
  const t = x[a]!;
  x[a] = x[b]!;
  x[b] = t;
}

/**
 * librosa.pitch_tuning(frequencies, resolution, bins_per_octave) on float32 frequencies:
 * residual = np.mod(bins_per_octave * hz_to_octs(f), 1.0) with hz_to_octs = log2(f / (440 / 16)), all float32;
 * residual >= 0.5 becomes residual - 1; counts = np.histogram(residual, np.linspace(-0.5, 0.5, ceil(1/res) + 1)),
 * whose bin i holds edges[i] <= r < edges[i+1] (the last one closed), compared in float64; the answer is
 * edges[np.argmax(counts)], the first fullest bin. No frequencies: 0.0 (librosa warns and returns 0).
 */
export function pitchTuning(frequencies: Float32Array, count: number, resolution = 0.01, binsPerOctave = 12): number {
  const nb = Math.ceil(1.0 / resolution);
  const edges = new Float64Array(nb + 1);
  for (let i = 0; i <= nb; i++) edges[i] = linspaceAt(-0.5, 0.5, nb + 1, i);
  const counts = new Float64Array(nb);
  const bpo = Math.fround(binsPerOctave);
  let any = false;
  for (let j = 0; j < count; j++) {
    const f = frequencies[j]!;
    if (!(f > 0)) continue;
    const octs = Math.fround(Math.log2(Math.fround(f / 27.5)));
    const v = Math.fround(bpo * octs);
    // np.mod (Python semantics): fmod, then + 1 when the remainder is negative; float32 throughout
    let r = v % 1;
    if (r < 0) r = Math.fround(r + 1);
    if (r >= 0.5) r = Math.fround(r - 1.0);
    if (r < edges[0]! || r > edges[nb]!) continue;
    let bin = Math.min(nb - 1, Math.max(0, Math.floor((r + 0.5) * nb)));
    while (bin > 0 && r < edges[bin]!) bin--;
    while (bin < nb - 1 && r >= edges[bin + 1]!) bin++;
    counts[bin] = counts[bin]! + 1;
    any = true;
  }
  if (!any) return 0.0;
  let best = 0;
  for (let i = 1; i < nb; i++) if (counts[i]! > counts[best]!) best = i;
  return edges[best]!;
}

/**
 * librosa.estimate_tuning(S=S, sr, n_fft, resolution, bins_per_octave): piptrack with its defaults, then the
 * pitches whose magnitude is >= the median magnitude of all pitches (np.median(mag[pitch > 0])) go to pitch_tuning.
 * Returns the tuning in fractions of a bin, in [-0.5, 0.5).
 */
export function estimateTuning(
  S: Float32Array,
  nBins: number,
  nFrames: number,
  sr: number,
  nFft: number,
  binsPerOctave = 12,
  resolution = 0.01,
  options: PiptrackOptions = {},
): number {
  return tuningOfPeaks(piptrack(S, nBins, nFrames, sr, nFft, options), binsPerOctave, resolution);
}

/** estimateTuning of a frame-major float32 magnitude spectrogram [nFrames][nBins] (piptrack defaults, 0.01). */
export function estimateTuningFrames(
  S: Float32Array,
  nBins: number,
  nFrames: number,
  sr: number,
  nFft: number,
  binsPerOctave: number,
): number {
  return tuningOfPeaks(piptrackFrames(S, nBins, nFrames, sr, nFft), binsPerOctave, 0.01);
}

/**
 * estimate_tuning(S=np.abs(D)) of a complex STFT D, stored frame-major or made frame by frame by a framer
 * (piptrack defaults, resolution 0.01): each frame's float32 magnitudes (stft.magnitude32's values) are built,
 * searched for peaks and dropped, so no float32 spectrogram is ever stored.
 */
export function estimateTuningOfSpectrum(source: FrameSpectrum | StftFramer, sr: number, nFft: number, binsPerOctave: number): number {
  const { nBins, nFrames } = source;
  const tracker = new PeakTracker(nBins, sr, nFft);
  const mag = new Float32Array(nBins);
  if ('layout' in source) {
    for (let t = 0; t < nFrames; t++) {
      magnitude32Into(source.re, source.im, t * nBins, nBins, mag, 0);
      tracker.add(mag, 0);
    }
  } else {
    const re = new Float64Array(nBins);
    const im = new Float64Array(nBins);
    for (let t = 0; t < nFrames; t++) {
      source.frame(t, re, im);
      magnitude32Into(re, im, 0, nBins, mag, 0);
      tracker.add(mag, 0);
    }
  }
  return tuningOfPeaks(tracker.peaks, binsPerOctave, 0.01);
}

/** The pitches whose magnitude reaches the median magnitude, through pitch_tuning. */
function tuningOfPeaks(peaks: PitchPeaks, binsPerOctave: number, resolution: number): number {
  if (peaks.count === 0) return 0.0;
  const threshold = medianFloat32(peaks.mag.subarray(0, peaks.count));
  const kept = new Float32Array(peaks.count);
  let n = 0;
  for (let j = 0; j < peaks.count; j++) if (peaks.mag[j]! >= threshold) kept[n++] = peaks.pitch[j]!;
  return pitchTuning(kept, n, resolution, binsPerOctave);
}

/**
 * estimate_tuning on a magnitude spectrogram S [nBins][nFrames] (resolution 0.01, piptrack defaults). Float64 input
 * is rounded to float32 first, as librosa's complex64 STFT is; pass magnitude32(spectrum) for librosa's exact float32
 * |STFT| (it rounds re and im before the hypot).
 */
export function estimateTuningFromSpectrum(
  S: Float64Array | Float32Array,
  nBins: number,
  nFrames: number,
  sr: number,
  nFft: number,
  binsPerOctave: number,
): number {
  return estimateTuning(asFloat32(S), nBins, nFrames, sr, nFft, binsPerOctave);
}
