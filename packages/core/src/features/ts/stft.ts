/**
 * librosa.stft(y, n_fft, hop_length, win_length, window='hann', center, pad_mode='constant') in float64.
 *
 * librosa 0.10.1 multiplies the float64 window with the float32 frames (a float64 product), runs numpy's float64
 * rfft and only then stores the result as complex64. We keep the float64 spectrum (the better reference); where a
 * decision depends on librosa's float32 values (the tuning estimate) `magnitude32` rebuilds them.
 */
import type { Matrix, StftParams } from '../types.js';
import { Fft } from './fft.js';
import { stftWindow } from './window.js';

/** A complex spectrogram, row-major [bin][frame]: bin k of frame t is at k * nFrames + t. */
export interface Spectrum {
  re: Float64Array;
  im: Float64Array;
  nBins: number;
  nFrames: number;
}

/** Checks the framing parameters the way the native engine does (RangeError naming the field). */
export function checkStftParams(p: StftParams): void {
  const isInt = (x: number) => Number.isInteger(x) && x >= 1;
  if (!isInt(p.nFft) || p.nFft < 2 || p.nFft > 65536) throw new RangeError(`stft.nFft must be an integer in [2, 65536] (got ${p.nFft})`);
  if (!isInt(p.winLength) || p.winLength > p.nFft) {
    throw new RangeError(`stft.winLength must be an integer in [1, nFft = ${p.nFft}] (got ${p.winLength})`);
  }
  if (!isInt(p.hopLength)) throw new RangeError(`stft.hopLength must be an integer >= 1 (got ${p.hopLength})`);
}

/**
 * Frames librosa makes: with center=True the signal is padded by n_fft // 2 zeros on each side (so 1 + len // hop
 * frames for even n_fft); with center=False 1 + (len - n_fft) // hop, and none when the signal is shorter than a frame.
 */
export function frameCount(nSamples: number, p: StftParams): number {
  const pad = p.center ? Math.floor(p.nFft / 2) : 0;
  const padded = nSamples + 2 * pad;
  if (padded < p.nFft) return 0;
  return 1 + Math.floor((padded - p.nFft) / p.hopLength);
}

/** librosa.stft with a periodic Hann window and zero ('constant') centre padding; float64 throughout. */
export function stft(y: Float32Array, p: StftParams): Spectrum {
  checkStftParams(p);
  const nFft = p.nFft;
  const nFrames = frameCount(y.length, p);
  if (nFrames === 0) {
    throw new RangeError(`${y.length} samples are too short for one STFT frame of nFft ${nFft} with center=false`);
  }
  const nBins = (nFft >> 1) + 1;
  const window = stftWindow(nFft, p.winLength);
  const pad = p.center ? Math.floor(nFft / 2) : 0;
  const fft = new Fft(nFft);
  const re = new Float64Array(nBins * nFrames);
  const im = new Float64Array(nBins * nFrames);
  // Frames are transformed BLOCK at a time into frame-major scratch, then transposed into the [bin][frame] layout
  // with short contiguous runs instead of one strided write per bin and frame.
  const BLOCK = 16;
  const blockRe = new Float64Array(BLOCK * nBins);
  const blockIm = new Float64Array(BLOCK * nBins);
  const rowsRe = Array.from({ length: BLOCK }, (_, b) => blockRe.subarray(b * nBins, (b + 1) * nBins));
  const rowsIm = Array.from({ length: BLOCK }, (_, b) => blockIm.subarray(b * nBins, (b + 1) * nBins));
  for (let t0 = 0; t0 < nFrames; t0 += BLOCK) {
    const count = Math.min(BLOCK, nFrames - t0);
    for (let b = 0; b < count; b++) {
      // frame t covers samples t * hop - pad ..; outside the signal is the zero padding (pad_mode='constant')
      fft.realForwardWindowed(y, (t0 + b) * p.hopLength - pad, window, rowsRe[b]!, rowsIm[b]!);
    }
    for (let k = 0; k < nBins; k++) {
      const row = k * nFrames + t0;
      for (let b = 0; b < count; b++) {
        re[row + b] = blockRe[b * nBins + k]!;
        im[row + b] = blockIm[b * nBins + k]!;
      }
    }
  }
  return { re, im, nBins, nFrames };
}

/** |STFT| in float64, [bin][frame]. */
export function magnitudeValues(spec: Spectrum): Float64Array {
  const out = new Float64Array(spec.re.length);
  const { re, im } = spec;
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(re[i]! * re[i]! + im[i]! * im[i]!);
  return out;
}

/**
 * librosa's own |STFT|: np.abs of the complex64 matrix, i.e. hypotf of the float32-rounded parts. The squares of
 * float32 values are exact in float64, so sqrt(re^2 + im^2) in float64 rounded to float32 is what libm's hypotf
 * returns. Used where librosa makes a discrete decision on these float32 values (piptrack / estimate_tuning).
 */
export function magnitude32(spec: Spectrum): Float32Array {
  const out = new Float32Array(spec.re.length);
  const { re, im } = spec;
  for (let i = 0; i < out.length; i++) {
    const r = Math.fround(re[i]!);
    const q = Math.fround(im[i]!);
    out[i] = Math.sqrt(r * r + q * q);
  }
  return out;
}

/** |STFT| as the engines return it: an nBins x nFrames Matrix. */
export function magnitude(spec: Spectrum): Matrix {
  return { data: Float32Array.from(magnitudeValues(spec)), rows: spec.nBins, cols: spec.nFrames };
}

/** |STFT|^exponent in float64, [bin][frame]; exponent 2 is re^2 + im^2 exactly (no square root round trip). */
export function power(spec: Spectrum, exponent: number): Float64Array {
  const out = new Float64Array(spec.re.length);
  const { re, im } = spec;
  if (exponent === 2) {
    for (let i = 0; i < out.length; i++) out[i] = re[i]! * re[i]! + im[i]! * im[i]!;
  } else if (exponent === 1) {
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(re[i]! * re[i]! + im[i]! * im[i]!);
  } else {
    for (let i = 0; i < out.length; i++) out[i] = (re[i]! * re[i]! + im[i]! * im[i]!) ** (exponent / 2);
  }
  return out;
}
