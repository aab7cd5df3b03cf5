/**
 * Inverse STFT, as librosa.istft (0.10.1, librosa/core/spectrum.py) computes it for librosa.effects.harmonic:
 * irfft of every frame, multiplied by the periodic Hann synthesis window (zero-padded to n_fft), overlap-added at
 * hop_length, then divided by the window's summed square (filters.window_sumsquare) wherever that sum exceeds
 * tiny(float32), the dtype librosa uses for a float32 signal. Where it does not, the overlap-added value is left as
 * it is (librosa only divides at `approx_nonzero_indices`).
 *
 * librosa overlap-adds a "head" block and then the remaining frames at `frame * hop + offset`; both amount to a plain
 * overlap-add into the padded timeline, trimmed by n_fft // 2 at the start when `center` (and the window sum is
 * trimmed the same way before util.fix_length). With `length` given, only ceil(padded_length / hop) frames are used,
 * and samples beyond the overlap-added span stay 0.
 */
import type { StftParams } from '../types.js';
import { Fft } from './fft.js';
import { transpose, type Spectrum } from './stft.js';
import { stftWindow } from './window.js';

/** np.finfo(np.float32).tiny: librosa's threshold on the window sum for a float32 signal. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

/** librosa.istft(spec, hop_length, win_length, n_fft, window='hann', center, length): float64 samples. */
export function istft(spec: Spectrum, p: StftParams, length: number): Float64Array {
  const { nBins, nFrames } = spec;
  const re = transpose(spec.re, nFrames, nBins);
  const im = transpose(spec.im, nFrames, nBins);
  const y = new Float64Array(length);
  overlapAdd(nBins, nFrames, p, length, y, (t, frameRe, frameIm) => {
    frameRe.set(re.subarray(t * nBins, (t + 1) * nBins));
    frameIm.set(im.subarray(t * nBins, (t + 1) * nBins));
  });
  return y;
}

/** Writes the bins of frame t into re / im (nBins each). */
export type FrameSource = (t: number, re: Float64Array, im: Float64Array) => void;

/**
 * librosa.istft of a spectrum of nFrames frames delivered one at a time by `frame` (so a caller can derive each
 * frame, e.g. mask it, just before it is needed, without a whole modified spectrum), into `out` (`length` samples;
 * a Float32Array gets librosa's float32 result).
 */
export function overlapAdd(
  nBins: number,
  nFrames: number,
  p: StftParams,
  length: number,
  out: Float64Array | Float32Array,
  frame: FrameSource,
): void {
  const { nFft, hopLength: hop, winLength, center } = p;
  if (nBins !== (nFft >> 1) + 1) throw new RangeError(`spectrum has ${nBins} bins, n_fft=${nFft} needs ${(nFft >> 1) + 1}`);
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
  if (winLength > nFft) throw new RangeError(`win_length=${winLength} exceeds n_fft=${nFft}`);
  if (out.length < length) throw new RangeError(`output of ${out.length} samples cannot hold ${length}`);

  const start = center ? nFft >> 1 : 0;
  const paddedLength = center ? length + 2 * (nFft >> 1) : length;
  // librosa.istft: "For efficiency, trim STFT frames according to signal length if available".
  const used = Math.min(nFrames, Math.ceil(paddedLength / hop));
  if (used <= 0 || length === 0) return;

  // get_window('hann', win_length, fftbins=True) centred in n_fft (util.pad_center), as for the analysis.
  const window = stftWindow(nFft, winLength);
  const spanLength = nFft + hop * (used - 1);
  const end = Math.min(length, spanLength - start);
  // The overlap-add needs only the last n_fft samples of the padded timeline: everything before frame t's start is
  // final once frame t is due, so it is written out and its slot reused (a ring of n_fft or more, a power of two).
  let size = 1;
  while (size < nFft) size <<= 1;
  const ring = new Float64Array(size);
  const wrap = size - 1;
  let done = 0; // padded positions below this are written out
  const emit = (upTo: number): void => {
    for (let j = done; j < upTo; j++) {
      const i = j - start;
      const v = ring[j & wrap]!;
      if (i >= 0 && i < end) {
        const s = windowSumAt(window, hop, used, j);
        out[i] = s > FLOAT32_TINY ? v / s : v;
      }
      ring[j & wrap] = 0;
    }
    done = upTo;
  };
  const fft = new Fft(nFft);
  const re = new Float64Array(nBins);
  const im = new Float64Array(nBins);
  const samples = new Float64Array(nFft);
  for (let t = 0; t < used; t++) {
    const at = t * hop;
    emit(at);
    frame(t, re, im);
    // numpy's irfft ignores the imaginary parts of the DC and (even n_fft) Nyquist bins; so does realInverse.
    fft.realInverse(re, im, samples);
    for (let m = 0; m < nFft; m++) ring[(at + m) & wrap]! += window[m]! * samples[m]!;
  }
  emit(spanLength);
}

/**
 * filters.window_sumsquare at position j of the overlap-added span: the squared window of every frame covering j,
 * summed frame by frame in order (as librosa's accumulation does), computed where needed instead of stored.
 */
function windowSumAt(window: Float64Array, hop: number, nFrames: number, j: number): number {
  const n = window.length;
  const first = Math.max(0, Math.ceil((j - n + 1) / hop));
  const last = Math.min(nFrames - 1, Math.floor(j / hop));
  let s = 0;
  for (let t = first; t <= last; t++) {
    const w = window[j - t * hop]!;
    s += w * w;
  }
  return s;
}
