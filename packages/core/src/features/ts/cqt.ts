/**
 * |CQT| as librosa 0.10.1 computes it: librosa.cqt = vqt(gamma=0, intervals='equal') (librosa/core/constantq.py).
 *
 * vqt works octave by octave from the top:
 *  - frequencies fmin * 2^(tuning/bpo) * 2^(k/bpo) (convert.interval_frequencies), relative bandwidth alpha
 *    (filters._relative_bandwidth), Q = filter_scale / alpha, filter lengths Q * sr / f (filters.wavelet_lengths);
 *  - __early_downsample may first halve the whole signal a few times when the top filter's cutoff and the hop allow;
 *  - octave i uses a filter bank built at the current rate my_sr (__vqt_filter_fft: filters.wavelet -> Hann-windowed
 *    complex exponentials, L1-normalised, centred in n_fft = 2^ceil(log2(max length)) samples, scaled by
 *    length / n_fft, FFT'd, bins 0..n_fft/2 kept, util.sparsify_rows(quantile=sparsity)), times sqrt(sr / my_sr);
 *  - its response is fft_basis . stft(y, n_fft, my_hop, window='ones', center=True, pad_mode='constant')
 *    (__cqt_response);
 *  - then, while my_hop is even, my_hop //= 2, my_sr /= 2 and y = resample(y, 2 -> 1, scale=True), i.e. the
 *    half-rate signal times sqrt(2);
 *  - __trim_stack keeps the first min(frames) columns of every octave and stacks them low to high;
 *  - with scale=True the result is divided by sqrt(lengths), lengths recomputed at the (early-downsampled) rate.
 * librosa resamples with soxr_hq (libsoxr); we use our own band-limited resampler's kernel (audio/resample.ts, run
 * as a whole-signal FFT decimator, decimate.ts), the one deliberate difference, set up to imitate soxr_hq's
 * transition band (see HALVING_RESAMPLER).
 */
import type { ResamplerOptions } from '../../audio/resample.js';
import { Decimator } from './decimate.js';
import { Fft } from './fft.js';
import { hannPeriodic } from './window.js';

export interface CqtParams {
  hopLength: number;
  /** Lowest centre frequency before tuning, Hz (librosa default C1). */
  fmin: number;
  nBins: number;
  binsPerOctave: number;
  /** Tuning offset in fractions of a bin (already resolved): fmin becomes fmin * 2^(tuning / binsPerOctave). */
  tuning: number;
  /** Default 1. */
  filterScale?: number;
  /** Per-filter normalisation (util.normalize): a p-norm > 0, Infinity, or null for none. Default 1. */
  norm?: number | null;
  /** Fraction of each filter's L1 mass (in the frequency domain) that may be discarded. Default 0.01. */
  sparsity?: number;
  /** Divide by sqrt(filter length) (librosa scale=True). Default true. */
  scale?: boolean;
}

/** |CQT|, row-major [nBins][nFrames], lowest frequency first. */
export interface CqtMagnitude {
  data: Float64Array;
  nBins: number;
  nFrames: number;
}

/**
 * Options for the 2:1 halvings, chosen to imitate libsoxr's SOXR_HQ recipe (soxr_quality_spec(SOXR_HQ, 0): passband
 * ends at 0.9137 and the stopband begins at 1.0 of the output Nyquist): a Kaiser sinc centred between the two, with
 * the longest kernel our resampler offers, and beta 9 (about 90 dB of stopband) so the transition band's shape
 * follows soxr's closely. That band matters more than one would think: __cqt_response uses a rectangular-window STFT,
 * whose sidelobes spread near-Nyquist content over every bin, and the sparsified filters no longer cancel that
 * leakage, so each octave's response picks up some of the band where two resamplers differ most. Measured on the
 * librosa fixtures: with the resampler's defaults (cutoff 0.94) chroma_cqt differed from librosa's by up to 0.09 (a
 * chirp's quiet harmonic part); with these settings by at most 4.5e-4, and tonnetz by at most 1.2e-4.
 */
const HALVING_RESAMPLER: Required<ResamplerOptions> = { rolloff: 0.9569, zeroCrossings: 64, kaiserBeta: 9 };

/** Decimators by factor, made once: building the kernel costs Bessel series per tap. */
const decimators = new Map<number, Decimator>();

/**
 * librosa.resample(y, orig_sr=factor, target_sr=1, res_type='soxr_hq', scale=True): y / sqrt(1 / factor), with
 * audio/resample.ts's kernel (resample(y, factor, 1, HALVING_RESAMPLER)) run by the faster whole-signal Decimator.
 */
function downsample(y: Float32Array, factor: number): Float32Array {
  let decimator = decimators.get(factor);
  if (decimator === undefined) {
    decimator = new Decimator(factor, HALVING_RESAMPLER);
    decimators.set(factor, decimator);
  }
  return decimator.run(y, Math.sqrt(factor));
}

/** filters.WINDOW_BANDWIDTHS['hann'], used for the top filter's cutoff frequency. */
const HANN_BANDWIDTH = 1.50018310546875;

/** convert.interval_frequencies(n_bins, fmin, intervals='equal', bins_per_octave, sort=True). */
export function cqtFrequencies(nBins: number, fmin: number, binsPerOctave: number): Float64Array {
  const freqs = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) {
    const octave = Math.floor(k / binsPerOctave);
    const step = k - octave * binsPerOctave;
    // np.multiply.outer(2.0 ** arange(n_octaves), 2.0 ** (arange(bpo) / bpo)).flatten() * fmin
    freqs[k] = 2 ** octave * 2 ** (step / binsPerOctave) * fmin;
  }
  return freqs;
}

/** filters._relative_bandwidth: alpha from the local log-frequency spacing (constant for a geometric series). */
export function relativeBandwidth(freqs: Float64Array, binsPerOctave: number): Float64Array {
  const n = freqs.length;
  const alpha = new Float64Array(n);
  const fromBpo = (bpo: number): number => {
    const r = 2 ** (2 / bpo);
    return (r - 1) / (r + 1);
  };
  if (n === 1) {
    // constantq.__et_relative_bw(bins_per_octave)
    alpha[0] = fromBpo(binsPerOctave);
    return alpha;
  }
  const logf = new Float64Array(n);
  for (let k = 0; k < n; k++) logf[k] = Math.log2(freqs[k]!);
  for (let k = 0; k < n; k++) {
    let bpo: number;
    if (k === 0) bpo = 1 / (logf[1]! - logf[0]!);
    else if (k === n - 1) bpo = 1 / (logf[n - 1]! - logf[n - 2]!);
    else bpo = 2 / (logf[k + 1]! - logf[k - 1]!);
    alpha[k] = fromBpo(bpo);
  }
  return alpha;
}

/** Filter lengths Q * sr / f with Q = filter_scale / alpha (filters.wavelet_lengths, gamma = 0). */
function waveletLengths(freqs: Float64Array, alpha: Float64Array, sr: number, filterScale: number): Float64Array {
  const lengths = new Float64Array(freqs.length);
  for (let k = 0; k < freqs.length; k++) lengths[k] = ((filterScale / alpha[k]!) * sr) / freqs[k]!;
  return lengths;
}

/** util.normalize of a complex vector: divide by its p-norm (max for Infinity) unless that is below tiny(float64). */
function normalizeComplex(re: Float64Array, im: Float64Array, norm: number | null): void {
  if (norm === null) return;
  let length = 0;
  for (let j = 0; j < re.length; j++) {
    const mag = Math.sqrt(re[j]! * re[j]! + im[j]! * im[j]!);
    if (norm === Infinity) length = Math.max(length, mag);
    else length += norm === 1 ? mag : mag ** norm;
  }
  if (norm !== Infinity && norm !== 1) length **= 1 / norm;
  if (length < 2.2250738585072014e-308) return;
  for (let j = 0; j < re.length; j++) {
    re[j] = re[j]! / length;
    im[j] = im[j]! / length;
  }
}

/** One octave's filters in the frequency domain, sparse (CSR rows over bins 0..nFft/2). */
interface OctaveBank {
  /** Index of this octave's lowest filter in the full (low-to-high) bin list. */
  firstBin: number;
  nFilters: number;
  nFft: number;
  hop: number;
  fft: Fft;
  rowStart: Int32Array;
  col: Int32Array;
  re: Float64Array;
  im: Float64Array;
}

/**
 * __vqt_filter_fft for one octave at rate `sr`: filters.wavelet (pad_fft=True) scaled by lengths / n_fft, FFT,
 * non-negative bins, util.sparsify_rows(quantile), times `gain` (vqt's sqrt(sr / my_sr)).
 */
function buildOctaveBank(
  freqs: Float64Array,
  alpha: Float64Array,
  sr: number,
  filterScale: number,
  norm: number | null,
  sparsity: number,
  gain: number,
): { nFft: number; fft: Fft; rowStart: Int32Array; col: Int32Array; re: Float64Array; im: Float64Array } {
  const lengths = waveletLengths(freqs, alpha, sr, filterScale);
  let maxLength = 0;
  for (const l of lengths) maxLength = Math.max(maxLength, l);
  const nFft = 2 ** Math.ceil(Math.log2(maxLength));
  const nKeep = (nFft >> 1) + 1;
  const fft = new Fft(nFft);
  const bufRe = new Float64Array(nFft);
  const bufIm = new Float64Array(nFft);
  const mags = new Float64Array(nKeep);
  const sorted = new Float64Array(nKeep);
  const rows: { col: number[]; re: number[]; im: number[] }[] = [];

  for (let f = 0; f < freqs.length; f++) {
    const ilen = lengths[f]!;
    const freq = freqs[f]!;
    // np.arange(-ilen // 2, ilen // 2): Python floor division of a float
    const first = Math.floor(-ilen / 2);
    const count = Math.floor(ilen / 2) - first;
    const sigRe = new Float64Array(count);
    const sigIm = new Float64Array(count);
    // __float_window('hann')(count) is scipy's get_window('hann', count, fftbins=True) for an integer count
    const window = hannPeriodic(count);
    for (let j = 0; j < count; j++) {
      // util.phasor(np.arange(...) * 2 * np.pi * freq / sr), evaluated left to right as numpy does
      const angle = (((first + j) * 2 * Math.PI) * freq) / sr;
      const w = window[j]!;
      sigRe[j] = Math.cos(angle) * w;
      sigIm[j] = Math.sin(angle) * w;
    }
    normalizeComplex(sigRe, sigIm, norm);
    // util.pad_center(size=n_fft), then basis *= lengths / n_fft
    bufRe.fill(0);
    bufIm.fill(0);
    const left = Math.floor((nFft - count) / 2);
    const s = ilen / nFft;
    for (let j = 0; j < count; j++) {
      bufRe[left + j] = sigRe[j]! * s;
      bufIm[left + j] = sigIm[j]! * s;
    }
    fft.complexForward(bufRe, bufIm);

    // util.sparsify_rows: keep the bins whose magnitude reaches the one where the sorted cumulative L1 share
    // first reaches `quantile`.
    let total = 0;
    for (let k = 0; k < nKeep; k++) {
      const m = Math.sqrt(bufRe[k]! * bufRe[k]! + bufIm[k]! * bufIm[k]!);
      mags[k] = m;
      sorted[k] = m;
      total += m;
    }
    sorted.sort();
    let cut = 0;
    let cumulative = 0;
    for (let k = 0; k < nKeep; k++) {
      cumulative += sorted[k]! / total;
      if (!(cumulative < sparsity)) {
        cut = k;
        break;
      }
    }
    const threshold = sorted[cut]!;
    const row = { col: [] as number[], re: [] as number[], im: [] as number[] };
    for (let k = 0; k < nKeep; k++) {
      if (mags[k]! >= threshold) {
        row.col.push(k);
        row.re.push(bufRe[k]! * gain);
        row.im.push(bufIm[k]! * gain);
      }
    }
    rows.push(row);
  }

  const rowStart = new Int32Array(rows.length + 1);
  for (let f = 0; f < rows.length; f++) rowStart[f + 1] = rowStart[f]! + rows[f]!.col.length;
  const nnz = rowStart[rows.length]!;
  const col = new Int32Array(nnz);
  const re = new Float64Array(nnz);
  const im = new Float64Array(nnz);
  rows.forEach((row, f) => {
    const at = rowStart[f]!;
    col.set(row.col, at);
    re.set(row.re, at);
    im.set(row.im, at);
  });
  return { nFft, fft, rowStart, col, re, im };
}

function twoFactors(x: number): number {
  if (x <= 0) return 0;
  let n = 0;
  while (x % 2 === 0) {
    n++;
    x /= 2;
  }
  return n;
}

/** Everything about a CQT that does not depend on the signal: rates, hops and per-octave sparse filter banks. */
export class CqtPlan {
  readonly sampleRate: number;
  readonly nBins: number;
  /** Halvings done on the whole signal before the octave loop (constantq.__early_downsample_count). */
  readonly earlyDownsamples: number;
  /** Octaves, top first, as vqt visits them. */
  private readonly octaves: OctaveBank[];
  /** For each octave: whether the signal is halved after it (vqt halves while my_hop is even). */
  private readonly halveAfter: boolean[];
  /** Per bin: 1 / sqrt(length at the post-early-downsampling rate), or 1 with scale=False. */
  private readonly binScale: Float64Array;

  constructor(sampleRate: number, p: CqtParams) {
    const filterScale = p.filterScale ?? 1;
    const norm = p.norm === undefined ? 1 : p.norm;
    const sparsity = p.sparsity ?? 0.01;
    const { nBins, binsPerOctave: bpo } = p;
    if (!Number.isInteger(nBins) || nBins < 1) throw new RangeError(`nBins must be a positive integer, got ${nBins}`);
    if (!Number.isInteger(bpo) || bpo < 1) throw new RangeError(`binsPerOctave must be a positive integer, got ${bpo}`);
    if (!Number.isInteger(p.hopLength) || p.hopLength < 1) throw new RangeError(`hopLength must be a positive integer`);
    if (!(sparsity >= 0 && sparsity < 1)) throw new RangeError(`sparsity must be in [0, 1), got ${sparsity}`);
    if (!(sampleRate > 0 && Number.isFinite(sampleRate))) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
    if (!(p.fmin > 0 && Number.isFinite(p.fmin))) throw new RangeError(`fmin must be positive, got ${p.fmin}`);
    if (!Number.isFinite(p.tuning)) throw new RangeError(`tuning must be a finite number, got ${p.tuning}`);
    if (!(filterScale > 0)) throw new RangeError(`filterScale must be positive, got ${filterScale}`);
    this.sampleRate = sampleRate;
    this.nBins = nBins;

    const nOctaves = Math.ceil(nBins / bpo);
    const nFilters = Math.min(bpo, nBins);
    const fmin = p.fmin * 2 ** (p.tuning / bpo);
    const freqs = cqtFrequencies(nBins, fmin, bpo);
    const alpha = relativeBandwidth(freqs, bpo);

    // wavelet_lengths' f_cutoff: how far up the top filter's main lobe reaches.
    let cutoff = 0;
    for (let k = 0; k < nBins; k++) {
      const q = filterScale / alpha[k]!;
      cutoff = Math.max(cutoff, freqs[k]! * (1 + (0.5 * HANN_BANDWIDTH) / q));
    }
    const nyquist = sampleRate / 2;
    if (cutoff > nyquist) {
      throw new RangeError(
        `CQT filter cutoff ${cutoff.toFixed(1)} Hz exceeds the Nyquist frequency ${nyquist} Hz; use fewer bins`,
      );
    }
    // __early_downsample_count
    const count1 = Math.max(0, Math.ceil(Math.log2(nyquist / cutoff)) - 1 - 1);
    const count2 = Math.max(0, twoFactors(p.hopLength) - nOctaves + 1);
    this.earlyDownsamples = Math.min(count1, count2);
    const factor = 2 ** this.earlyDownsamples;
    const sr = sampleRate / factor;
    let hop = Math.floor(p.hopLength / factor);

    this.octaves = [];
    this.halveAfter = [];
    let mySr = sr;
    for (let i = 0; i < nOctaves; i++) {
      const hi = nBins - nFilters * i;
      const lo = Math.max(0, nBins - nFilters * (i + 1));
      const bank = buildOctaveBank(
        freqs.subarray(lo, hi),
        alpha.subarray(lo, hi),
        mySr,
        filterScale,
        norm,
        sparsity,
        Math.sqrt(sr / mySr),
      );
      this.octaves.push({ firstBin: lo, nFilters: hi - lo, hop, ...bank });
      const halve = hop % 2 === 0;
      this.halveAfter.push(halve);
      if (halve) {
        hop /= 2;
        mySr /= 2;
      }
    }

    this.binScale = new Float64Array(nBins).fill(1);
    if (p.scale ?? true) {
      const lengths = waveletLengths(freqs, alpha, sr, filterScale);
      for (let k = 0; k < nBins; k++) this.binScale[k] = 1 / Math.sqrt(lengths[k]!);
    }
  }

  /** Number of CQT frames for `n` input samples: the fewest frames over the octaves (__trim_stack). */
  frameCount(n: number): number {
    let len = n;
    if (this.earlyDownsamples > 0) len = Math.ceil(len / 2 ** this.earlyDownsamples);
    let frames = Infinity;
    this.octaves.forEach((oct, i) => {
      frames = Math.min(frames, 1 + Math.floor(len / oct.hop));
      if (this.halveAfter[i]) len = Math.ceil(len / 2);
    });
    return frames;
  }

  /** |CQT| of `y` (sampled at this plan's rate). */
  magnitude(y: Float32Array): CqtMagnitude {
    const nFrames = this.frameCount(y.length);
    const out = new Float64Array(this.nBins * nFrames);
    let signal = y;
    if (this.earlyDownsamples > 0) {
      const factor = 2 ** this.earlyDownsamples;
      if (y.length < factor) throw new RangeError(`signal of ${y.length} samples is too short for this CQT`);
      signal = downsample(y, factor);
    }
    const last = this.octaves.length - 1;
    this.octaves.forEach((oct, i) => {
      this.octaveResponse(signal, oct, nFrames, out);
      // The last octave's halving in librosa is never used; skip it.
      if (this.halveAfter[i] && i < last) signal = downsample(signal, 2);
    });
    return { data: out, nBins: this.nBins, nFrames };
  }

  /**
   * __cqt_response for one octave: frames of the zero-padded signal (center=True, rectangular window), rfft, sparse
   * dot with the bank; the magnitude times the bin's length scale goes into rows firstBin.. of `out`.
   */
  private octaveResponse(y: Float32Array, oct: OctaveBank, nFrames: number, out: Float64Array): void {
    const { nFft, hop, fft, rowStart, col, re: bRe, im: bIm } = oct;
    const half = nFft >> 1;
    const dRe = new Float64Array(half + 1);
    const dIm = new Float64Array(half + 1);
    for (let t = 0; t < nFrames; t++) {
      // a null window is the rectangular one; samples outside y are the zero padding
      fft.realForwardWindowed(y, t * hop - half, null, dRe, dIm);
      for (let f = 0; f < oct.nFilters; f++) {
        let sr = 0;
        let si = 0;
        for (let e = rowStart[f]!, end = rowStart[f + 1]!; e < end; e++) {
          const k = col[e]!;
          const br = bRe[e]!;
          const bi = bIm[e]!;
          const dr = dRe[k]!;
          const di = dIm[k]!;
          sr += br * dr - bi * di;
          si += br * di + bi * dr;
        }
        const bin = oct.firstBin + f;
        out[bin * nFrames + t] = Math.sqrt(sr * sr + si * si) * this.binScale[bin]!;
      }
    }
  }
}

const PLAN_CACHE_SIZE = 16;
const planCache = new Map<string, CqtPlan>();

/** The plan for (sampleRate, p), cached: tuning is quantised (0.01 bin), so clips mostly share a few plans. */
export function cqtPlan(sampleRate: number, p: CqtParams): CqtPlan {
  const norm = p.norm === undefined ? 1 : p.norm;
  const key = [sampleRate, p.hopLength, p.fmin, p.nBins, p.binsPerOctave, p.tuning, p.filterScale ?? 1, norm,
    p.sparsity ?? 0.01, p.scale ?? true].map(String).join('|');
  let plan = planCache.get(key);
  if (plan === undefined) {
    plan = new CqtPlan(sampleRate, p);
    if (planCache.size >= PLAN_CACHE_SIZE) planCache.delete(planCache.keys().next().value!);
    planCache.set(key, plan);
  } else {
    // refresh its position so the least recently used plan goes first
    planCache.delete(key);
    planCache.set(key, plan);
  }
  return plan;
}

/** np.abs(librosa.cqt(y, sr=sampleRate, ...)) with window='hann', pad_mode='constant'. */
export function cqtMagnitude(y: Float32Array, sampleRate: number, p: CqtParams): CqtMagnitude {
  return cqtPlan(sampleRate, p).magnitude(y);
}
