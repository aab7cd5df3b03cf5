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
import type { Spectrum } from './stft.js';
import { stftWindow } from './window.js';

/** np.finfo(np.float32).tiny: librosa's threshold on the window sum for a float32 signal. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

/** librosa.istft(spec, hop_length, win_length, n_fft, window='hann', center, length): float64 samples. */
export function istft(spec: Spectrum, p: StftParams, length: number): Float64Array {
  const { nFft, hopLength: hop, winLength, center } = p;
  const nBins = (nFft >> 1) + 1;
  if (spec.nBins !== nBins) throw new RangeError(`spectrum has ${spec.nBins} bins, n_fft=${nFft} needs ${nBins}`);
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
  if (winLength > nFft) throw new RangeError(`win_length=${winLength} exceeds n_fft=${nFft}`);

  const y = new Float64Array(length);
  const start = center ? nFft >> 1 : 0;
  const paddedLength = center ? length + 2 * (nFft >> 1) : length;
  // librosa.istft: "For efficiency, trim STFT frames according to signal length if available".
  const nFrames = Math.min(spec.nFrames, Math.ceil(paddedLength / hop));
  if (nFrames <= 0 || length === 0) return y;

  // get_window('hann', win_length, fftbins=True) centred in n_fft (util.pad_center), as for the analysis.
  const window = stftWindow(nFft, winLength);
  const spanLength = nFft + hop * (nFrames - 1);
  const ola = new Float64Array(spanLength);
  const windowSum = new Float64Array(spanLength);

  const fft = new Fft(nFft);
  const re = new Float64Array(nBins);
  const im = new Float64Array(nBins);
  const frame = new Float64Array(nFft);
  const stride = spec.nFrames;
  for (let t = 0; t < nFrames; t++) {
    for (let k = 0; k < nBins; k++) {
      re[k] = spec.re[k * stride + t]!;
      im[k] = spec.im[k * stride + t]!;
    }
    // numpy's irfft ignores the imaginary parts of the DC and (even n_fft) Nyquist bins; make that explicit.
    im[0] = 0;
    if (nFft % 2 === 0) im[nBins - 1] = 0;
    fft.realInverse(re, im, frame);
    const at = t * hop;
    for (let m = 0; m < nFft; m++) {
      const w = window[m]!;
      ola[at + m]! += w * frame[m]!;
      windowSum[at + m]! += w * w;
    }
  }

  const end = Math.min(length, spanLength - start);
  for (let i = 0; i < end; i++) {
    const j = start + i;
    const s = windowSum[j]!;
    y[i] = s > FLOAT32_TINY ? ola[j]! / s : ola[j]!;
  }
  return y;
}
