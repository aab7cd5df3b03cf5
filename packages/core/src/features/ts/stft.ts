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

/**
 * A complex spectrogram stored frame-major, [frame][bin]: bin k of frame t is at t * nBins + k. Each frame is one
 * contiguous run, the order the FFT produces and every per-frame feature reads; the engine works in this layout and
 * only the exported [bin][frame] results are transposed.
 */
export interface FrameSpectrum {
  readonly layout: 'frames';
  re: Float64Array;
  im: Float64Array;
  nBins: number;
  nFrames: number;
}

/** One STFT framing of one signal: frame t on demand, so a consumer may keep all frames or only what it derives. */
export class StftFramer {
  readonly nBins: number;
  readonly nFrames: number;
  readonly #y: Float32Array;
  readonly #hop: number;
  readonly #pad: number;
  readonly #window: Float64Array;
  readonly #fft: Fft;

  constructor(y: Float32Array, p: StftParams) {
    checkStftParams(p);
    const nFft = p.nFft;
    this.nFrames = frameCount(y.length, p);
    if (this.nFrames === 0) {
      throw new RangeError(`${y.length} samples are too short for one STFT frame of nFft ${nFft} with center=false`);
    }
    this.nBins = (nFft >> 1) + 1;
    this.#y = y;
    this.#hop = p.hopLength;
    this.#pad = p.center ? Math.floor(nFft / 2) : 0;
    this.#window = stftWindow(nFft, p.winLength);
    this.#fft = new Fft(nFft);
  }

  /** Bins of frame t into re / im from index `at` on. */
  frame(t: number, re: Float64Array, im: Float64Array, at = 0): void {
    // frame t covers samples t * hop - pad ..; outside the signal is the zero padding (pad_mode='constant')
    this.#fft.realForwardWindowed(this.#y, t * this.#hop - this.#pad, this.#window, re, im, at);
  }
}

/** librosa.stft (periodic Hann, zero centre padding, float64) in the frame-major layout. */
export function stftFrames(y: Float32Array, p: StftParams): FrameSpectrum {
  const framer = new StftFramer(y, p);
  const { nBins, nFrames } = framer;
  const re = new Float64Array(nBins * nFrames);
  const im = new Float64Array(nBins * nFrames);
  for (let t = 0; t < nFrames; t++) framer.frame(t, re, im, t * nBins);
  return { layout: 'frames', re, im, nBins, nFrames };
}

/**
 * A [rows][cols] copy of a [cols][rows] matrix (the other layout), in TILE x TILE tiles so neither side walks memory
 * with a long stride for long.
 */
export function transpose(x: Float64Array, rows: number, cols: number): Float64Array;
export function transpose<T extends Float64Array | Float32Array>(x: Float64Array, rows: number, cols: number, out: T): T;
export function transpose(
  x: Float64Array,
  rows: number,
  cols: number,
  out: Float64Array | Float32Array = new Float64Array(rows * cols),
): Float64Array | Float32Array {
  const TILE = 32;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let c = c0; c < c1; c++) for (let r = r0; r < r1; r++) out[r * cols + c] = x[c * rows + r]!;
    }
  }
  return out;
}

/** librosa.stft with a periodic Hann window and zero ('constant') centre padding; float64 throughout, [bin][frame]. */
export function stft(y: Float32Array, p: StftParams): Spectrum {
  const frames = stftFrames(y, p);
  const { nBins, nFrames } = frames;
  return { re: transpose(frames.re, nBins, nFrames), im: transpose(frames.im, nBins, nFrames), nBins, nFrames };
}

/** |STFT| in float64, in the spectrum's own layout. */
export function magnitudeValues(spec: Spectrum | FrameSpectrum): Float64Array {
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
export function magnitude32(spec: Spectrum | FrameSpectrum): Float32Array {
  const out = new Float32Array(spec.re.length);
  magnitude32Into(spec.re, spec.im, 0, out.length, out, 0);
  return out;
}

/** magnitude32 of the n values re / im [from .. from + n) into out [at .. at + n). */
export function magnitude32Into(re: Float64Array, im: Float64Array, from: number, n: number, out: Float32Array, at: number): void {
  for (let i = 0; i < n; i++) {
    const r = Math.fround(re[from + i]!);
    const q = Math.fround(im[from + i]!);
    out[at + i] = Math.sqrt(r * r + q * q);
  }
}

/** |STFT| as the engines return it: an nBins x nFrames Matrix. */
export function magnitude(spec: Spectrum): Matrix {
  return { data: Float32Array.from(magnitudeValues(spec)), rows: spec.nBins, cols: spec.nFrames };
}

/**
 * |STFT|^exponent in float64, in the spectrum's own layout; exponent 2 is re^2 + im^2 exactly (no square root round
 * trip).
 */
export function power(spec: Spectrum | FrameSpectrum, exponent: number): Float64Array {
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
