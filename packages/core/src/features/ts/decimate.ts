/**
 * Whole-signal decimation by a power of two with the project resampler's Kaiser-sinc kernel: the output of
 * audio/resample.ts's resample(y, factor, 1, options), computed several times faster for the CQT's octave halvings.
 *
 * For a whole signal and an integer factor D that resampler's sum is a plain FIR filter read at every D-th sample,
 *   y[m] = sum_j x[D m + j] * c_j,   c_j = gain * kernel(rolloff * j / D),   gain = rolloff / D,   |j| <= R,
 * with R = 134 taps each side for the halvings (D = 2). Directly that is R + 1 multiplications per output even with
 * the kernel's symmetry; here the filter runs as FFT overlap-save blocks instead, and the decimation happens in the
 * frequency domain (folding the spectrum onto its first 1/D), so each block costs one real FFT of BLOCK samples and
 * one inverse of BLOCK / D. Only the rounding differs from the direct sum (float64 noise, far below the float32
 * output's resolution).
 */
import { kaiserSinc } from '../../audio/kaiser.js';
import type { ResamplerOptions } from '../../audio/resample.js';
import { Fft } from './fft.js';

/** FFT length of one overlap-save block: long enough that the 2R-sample overlap wastes little. */
const BLOCK = 8192;

/** A fixed decimator: one factor, one kernel, its spectrum and the block buffers. */
export class Decimator {
  readonly factor: number;
  /** Taps each side of the centre (c_j = 0 beyond). */
  readonly #reach: number;
  /** New input samples per block: BLOCK - 2R rounded down to a multiple of the factor. */
  readonly #step: number;
  readonly #fft: Fft;
  readonly #inverse: Fft;
  /** Spectrum (bins 0..BLOCK/2) of the circular kernel, with the 1/D of the spectral folding folded in. */
  readonly #kernelRe: Float64Array;
  readonly #kernelIm: Float64Array;
  readonly #block = new Float64Array(BLOCK);
  readonly #re = new Float64Array(BLOCK / 2 + 1);
  readonly #im = new Float64Array(BLOCK / 2 + 1);
  readonly #foldRe: Float64Array;
  readonly #foldIm: Float64Array;
  readonly #folded: Float64Array;

  constructor(factor: number, options: Required<ResamplerOptions>) {
    if (!Number.isInteger(factor) || factor < 2 || factor > BLOCK / 4 || (factor & (factor - 1)) !== 0) {
      throw new RangeError(`decimation factor must be a power of two in [2, ${BLOCK / 4}], got ${factor}`);
    }
    this.factor = factor;
    const { rolloff, zeroCrossings, kaiserBeta } = options;
    const kernel = kaiserSinc(zeroCrossings, kaiserBeta);
    const gain = rolloff / factor;
    // the kernel vanishes for |z| >= zeroCrossings, i.e. |j| >= zeroCrossings * factor / rolloff
    const reach = (this.#reach = Math.ceil((zeroCrossings * factor) / rolloff));
    if (2 * reach + factor > BLOCK / 2) throw new RangeError(`decimation kernel of ${2 * reach + 1} taps is too long`);
    this.#step = Math.floor((BLOCK - 2 * reach) / factor) * factor;
    this.#fft = new Fft(BLOCK);
    this.#inverse = new Fft(BLOCK / factor);
    // Overlap-save wants z[i] = sum_j c_j u[i + R + j] for a block u; as a circular convolution with k that is
    // k[(-q) mod BLOCK] = c_(q - R) for q = 0 .. 2R. j / factor is exact for a power-of-two factor, as the
    // resampler's phase / factor + whole samples is, so the taps equal its table entries.
    const k = new Float64Array(BLOCK);
    for (let q = 0; q <= 2 * reach; q++) {
      const j = q - reach;
      k[(BLOCK - q) % BLOCK] = (gain * kernel(rolloff * (j / factor))) / factor;
    }
    this.#kernelRe = new Float64Array(BLOCK / 2 + 1);
    this.#kernelIm = new Float64Array(BLOCK / 2 + 1);
    this.#fft.realForward(k, this.#kernelRe, this.#kernelIm);
    const half = BLOCK / factor / 2;
    this.#foldRe = new Float64Array(half + 1);
    this.#foldIm = new Float64Array(half + 1);
    this.#folded = new Float64Array(BLOCK / factor);
  }

  /** ceil(x.length / factor) samples, samples outside x counting as zeros, times `scale` (stored as float32). */
  run(x: Float32Array, scale = 1): Float32Array {
    const d = this.factor;
    const reach = this.#reach;
    const step = this.#step;
    const outLength = Math.ceil(x.length / d);
    const out = new Float32Array(outLength);
    const perBlock = step / d;
    for (let first = 0; first < outLength; first += perBlock) {
      // block samples u[i] = x[d * first - R + i]; its z[i] is the filter output at input position d * first + i
      this.#load(x, d * first - reach);
      this.#filterBlock();
      const z = this.#folded;
      const count = Math.min(perBlock, outLength - first);
      // the resampler returns float32 samples; the caller's gain then applies to those
      for (let i = 0; i < count; i++) out[first + i] = Math.fround(z[i]!) * scale;
    }
    return out;
  }

  /** BLOCK samples of x from `start` on into the block buffer, zeros outside x. */
  #load(x: Float32Array, start: number): void {
    const u = this.#block;
    const from = Math.max(0, -start);
    const to = Math.min(BLOCK, x.length - start);
    u.fill(0, 0, from);
    for (let i = from; i < to; i++) u[i] = x[start + i]!;
    u.fill(0, Math.max(from, to));
  }

  /**
   * Filter the block circularly and keep every D-th sample in #folded: the spectrum is multiplied by the kernel's,
   * then folded, Z_D[k] = (1/D) sum_r Z[k + r BLOCK / D] (the 1/D sits in the kernel), whose inverse FFT of length
   * BLOCK / D is the decimated block.
   */
  #filterBlock(): void {
    const re = this.#re;
    const im = this.#im;
    this.#fft.realForward(this.#block, re, im);
    const kr = this.#kernelRe;
    const ki = this.#kernelIm;
    const half = BLOCK >> 1;
    for (let k = 0; k <= half; k++) {
      const a = re[k]!;
      const b = im[k]!;
      re[k] = a * kr[k]! - b * ki[k]!;
      im[k] = a * ki[k]! + b * kr[k]!;
    }
    const fr = this.#foldRe;
    const fi = this.#foldIm;
    const short = BLOCK / this.factor;
    for (let k = 0; k <= short >> 1; k++) {
      let sr = 0;
      let si = 0;
      for (let q = k; q < BLOCK; q += short) {
        // bins above BLOCK / 2 of a real block's spectrum are the conjugates of those below
        if (q <= half) {
          sr += re[q]!;
          si += im[q]!;
        } else {
          sr += re[BLOCK - q]!;
          si -= im[BLOCK - q]!;
        }
      }
      fr[k] = sr;
      fi[k] = si;
    }
    this.#inverse.realInverse(fr, fi, this.#folded);
  }
}
