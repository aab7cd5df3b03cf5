/** librosa.filters.chroma and librosa.feature.chroma_stft(S=|STFT|, sr, tuning, n_chroma), librosa 0.10.1. */
import type { ChromaStftParams } from '../types.js';
import { transpose } from './stft.js';
import { estimateTuning, estimateTuningFrames } from './tuning.js';

/** float32's smallest normal number: util.normalize's default threshold (tiny) for librosa's float32 chroma. */
const FLOAT32_TINY = 1.1754943508222875e-38;
/** float64's smallest normal number: the threshold util.normalize uses for the float64 filter columns. */
const FLOAT64_TINY = 2.2250738585072014e-308;

export interface ChromaFilterOptions {
  /** Centre of the octave-dominance Gaussian, in octaves above A0 = 27.5 Hz (librosa default 5.0). */
  ctroct?: number;
  /** Its half-width in octaves; null = flat (librosa default 2). */
  octwidth?: number | null;
  /** Column normalisation of the filters (librosa default 2). */
  norm?: number;
  /** Start the chroma at C rather than A (librosa default true). */
  baseC?: boolean;
}

/** np.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.remainder (Python's %): the result takes the sign of the divisor. */
function pyMod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

export function checkChromaStftParams(p: ChromaStftParams): void {
  if (!Number.isInteger(p.nChroma) || p.nChroma < 1 || p.nChroma > 128) {
    throw new RangeError(`chromaStft.nChroma must be an integer in [1, 128] (got ${p.nChroma})`);
  }
  if (p.tuning !== null && !(Number.isFinite(p.tuning) && p.tuning >= -0.5 && p.tuning <= 0.5)) {
    throw new RangeError(`chromaStft.tuning must be null or a number in [-0.5, 0.5] (got ${p.tuning})`);
  }
}

/**
 * librosa.filters.chroma(sr, n_fft, n_chroma, tuning, ctroct, octwidth, norm, base_c) as [nChroma][1 + n_fft // 2]:
 * - bin frequencies np.linspace(0, sr, n_fft, endpoint=False)[1:] -> n_chroma * log2(f / (A440 / 16)) with
 *   A440 = 440 * 2^(tuning / n_chroma); the 0 Hz bin is made up as 1.5 octaves below bin 1;
 * - bin widths max(frqbins[k+1] - frqbins[k], 1), the last one 1 (computed over all n_fft bins, then cut);
 * - D = np.remainder(frqbins - c + round(n_chroma / 2) + 10 n_chroma, n_chroma) - round(n_chroma / 2), Gaussian
 *   bumps exp(-0.5 (2 D / width)^2), each column L2-normalised (util.normalize: norms below tiny left alone);
 * - times the octave weighting exp(-0.5 ((frqbins / n_chroma - ctroct) / octwidth)^2);
 * - np.roll by -3 * (n_chroma // 12) rows so row 0 is C; returned as float32 (librosa's dtype default), hence fround.
 */
export function chromaFilterbank(
  sr: number,
  nFft: number,
  nChroma: number,
  tuning: number,
  options: ChromaFilterOptions = {},
): Float64Array {
  const ctroct = options.ctroct ?? 5.0;
  const octwidth = options.octwidth === undefined ? 2 : options.octwidth;
  const norm = options.norm ?? 2;
  const baseC = options.baseC ?? true;
  if (nFft < 2) throw new RangeError(`chroma filters need nFft >= 2 (got ${nFft})`);
  const nBins = (nFft >> 1) + 1;
  const a440 = 440.0 * 2.0 ** (tuning / nChroma);
  const step = sr / nFft; // np.linspace(0, sr, n_fft, endpoint=False): k * (sr / n_fft) + 0
  const frqbins = new Float64Array(nFft);
  for (let k = 1; k < nFft; k++) frqbins[k] = nChroma * Math.log2((k * step + 0) / (a440 / 16));
  frqbins[0] = frqbins[1]! - 1.5 * nChroma;
  const half = roundHalfEven(nChroma / 2);
  const shift = 3 * Math.floor(nChroma / 12);
  const wts = new Float64Array(nChroma * nBins);
  const column = new Float64Array(nChroma);
  for (let k = 0; k < nBins; k++) {
    const width = k < nFft - 1 ? Math.max(frqbins[k + 1]! - frqbins[k]!, 1.0) : 1;
    let length = 0;
    for (let c = 0; c < nChroma; c++) {
      const d = pyMod(frqbins[k]! - c + half + 10 * nChroma, nChroma) - half;
      const w = Math.exp(-0.5 * ((2 * d) / width) ** 2);
      column[c] = w;
      length = norm === Infinity ? Math.max(length, w) : length + w ** norm;
    }
    if (norm !== Infinity) length **= 1.0 / norm;
    if (length < FLOAT64_TINY) length = 1; // leave all-zero columns as they are
    const octave = octwidth === null ? 1 : Math.exp(-0.5 * ((frqbins[k]! / nChroma - ctroct) / octwidth) ** 2);
    for (let c = 0; c < nChroma; c++) {
      const row = baseC ? pyMod(c - shift, nChroma) : c; // np.roll(wts, -shift, axis=0): out[r] = in[r + shift]
      wts[row * nBins + k] = Math.fround((column[c]! / length) * octave);
    }
  }
  return wts;
}

export interface ChromaStftResult {
  /** [nChroma][nFrames], each frame scaled to a maximum of 1 (all-zero frames stay 0). */
  chroma: Float64Array;
  /** The tuning used, estimated or given, in fractions of a chroma bin. */
  tuning: number;
}

/**
 * librosa.feature.chroma_stft(S=S, sr, tuning, n_chroma) with S the magnitude STFT [nBins][nFrames] passed as is
 * (the classic recipe passes |STFT|, so no squaring). Like librosa, n_fft is inferred from S as 2 * (nBins - 1)
 * (_spectrogram), and a null tuning is estimate_tuning(S=S, sr, bins_per_octave=n_chroma) on librosa's float32
 * |STFT| (`tuningS`; the float32 rounding of S when not given). Frames are normalised with util.normalize(norm=inf):
 * divided by their largest value unless it is below tiny, in which case (silence) they are left as they are.
 */
export function chromaStft(
  S: Float64Array,
  nBins: number,
  nFrames: number,
  sr: number,
  p: ChromaStftParams,
  tuningS?: Float32Array,
): ChromaStftResult {
  checkChromaStftParams(p);
  const tuning = p.tuning ?? estimateTuning(tuningS ?? Float32Array.from(S), nBins, nFrames, sr, 2 * (nBins - 1), p.nChroma);
  return chromaStftFrames(transpose(S, nFrames, nBins), nBins, nFrames, sr, { ...p, tuning });
}

/**
 * chromaStft of a frame-major magnitude spectrogram S [nFrames][nBins]; the chroma is [nChroma][nFrames]. A null
 * tuning is estimated from the float32 rounding of S; callers holding the complex STFT pass librosa's own estimate
 * (tuning.estimateTuningOfSpectrum) instead.
 */
export function chromaStftFrames(S: Float64Array, nBins: number, nFrames: number, sr: number, p: ChromaStftParams): ChromaStftResult {
  checkChromaStftParams(p);
  const nFft = 2 * (nBins - 1);
  const nChroma = p.nChroma;
  const tuning = p.tuning ?? estimateTuningFrames(Float32Array.from(S), nBins, nFrames, sr, nFft, nChroma);
  const fb = chromaFilterbank(sr, nFft, nChroma, tuning);
  const chroma = new Float64Array(nChroma * nFrames);
  // raw chroma = filterbank . S (np.einsum 'cf,...ft->...ct'): per frame, one dot product per chroma over the frame's
  // bins; four chroma rows share each load of the frame
  for (let t = 0; t < nFrames; t++) {
    const at = t * nBins;
    let c = 0;
    for (; c + 4 <= nChroma; c += 4) {
      const r0 = c * nBins;
      const r1 = r0 + nBins;
      const r2 = r1 + nBins;
      const r3 = r2 + nBins;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = 0; k < nBins; k++) {
        const v = S[at + k]!;
        a0 += fb[r0 + k]! * v;
        a1 += fb[r1 + k]! * v;
        a2 += fb[r2 + k]! * v;
        a3 += fb[r3 + k]! * v;
      }
      chroma[c * nFrames + t] = a0;
      chroma[(c + 1) * nFrames + t] = a1;
      chroma[(c + 2) * nFrames + t] = a2;
      chroma[(c + 3) * nFrames + t] = a3;
    }
    for (; c < nChroma; c++) {
      let a = 0;
      for (let k = 0; k < nBins; k++) a += fb[c * nBins + k]! * S[at + k]!;
      chroma[c * nFrames + t] = a;
    }
  }
  for (let t = 0; t < nFrames; t++) {
    let length = 0;
    for (let c = 0; c < nChroma; c++) length = Math.max(length, Math.abs(chroma[c * nFrames + t]!));
    if (length < FLOAT32_TINY) continue;
    for (let c = 0; c < nChroma; c++) chroma[c * nFrames + t] = chroma[c * nFrames + t]! / length;
  }
  return { chroma, tuning };
}
