/**
 * Waveform augmentation: pure functions on Float32Array samples, random choices drawn from a seeded RNG
 * (createRng from @ser/core). `augmentCopies` makes K augmented copies of a training utterance before features;
 * `augmentDataset` runs a caller's feature function over them, so the whole chain stays testable.
 */
import { createRng, resample, type Rng } from '@ser/core';
import { TrainingError } from '../classifier.js';
import { gaussian } from './spec-augment.js';

/** Mean square of the samples. */
export function power(samples: Float32Array): number {
  let s = 0;
  for (const v of samples) s += v * v;
  return samples.length ? s / samples.length : 0;
}

/** White Gaussian noise scaled so that 10 log10(P(signal) / P(noise)) is exactly `snrDb` (a silent input stays silent). */
export function addNoise(samples: Float32Array, snrDb: number, rng: Rng): Float32Array {
  const noise = new Float32Array(samples.length);
  for (let i = 0; i < noise.length; i++) noise[i] = gaussian(rng);
  const ps = power(samples);
  const pn = power(noise);
  const out = new Float32Array(samples.length);
  if (ps === 0 || pn === 0) {
    out.set(samples);
    return out;
  }
  const k = Math.sqrt(ps / (pn * 10 ** (snrDb / 10)));
  for (let i = 0; i < out.length; i++) out[i] = samples[i]! + k * noise[i]!;
  return out;
}

/** Multiplies by 10^(db / 20). */
export function applyGain(samples: Float32Array, db: number): Float32Array {
  const g = 10 ** (db / 20);
  return samples.map((v) => v * g);
}

/** Delays (shift > 0) or advances (shift < 0) by `shift` samples, zero-filling; the length stays the same. */
export function timeShift(samples: Float32Array, shift: number): Float32Array {
  const s = Math.trunc(shift);
  const out = new Float32Array(samples.length);
  if (Math.abs(s) >= samples.length) return out;
  if (s >= 0) out.set(samples.subarray(0, samples.length - s), s);
  else out.set(samples.subarray(-s));
  return out;
}

/**
 * Speed perturbation (Kaldi's): plays `factor` times faster, changing tempo and pitch together; the result has
 * round(length / factor) samples. Done by band-limited resampling from sampleRate x factor to sampleRate.
 */
export function speedPerturb(samples: Float32Array, factor: number, sampleRate: number): Float32Array {
  if (!(factor > 0.5 && factor < 2)) throw new TrainingError(`speedPerturb: factor ${factor} is outside (0.5, 2)`);
  if (factor === 1) return Float32Array.from(samples);
  const from = Math.round(sampleRate * factor);
  const out = resample(samples, from, sampleRate);
  const want = Math.round((samples.length * sampleRate) / from);
  if (out.length === want) return out;
  const fixed = new Float32Array(want);
  fixed.set(out.subarray(0, want));
  return fixed;
}

export interface WaveAugmentOptions {
  /** Noise SNR range in dB, drawn uniformly; null for no noise. Default [5, 30]. */
  snrDb?: [number, number] | null;
  /** Gain range in dB. Default [-6, 6]; null for none. */
  gainDb?: [number, number] | null;
  /** Largest time shift in seconds, either way. Default 0.1; 0 for none. */
  maxShiftSeconds?: number;
  /** Speed factors to pick from (1 = unchanged). Default [0.9, 1, 1.1]; null for none. */
  speeds?: number[] | null;
  /**
   * Rates a recording may have been made at: with probability `probability`, the utterance goes to one of them and
   * back, losing what every 44.1/48 kHz recording loses on its way to 16 kHz (the band just below the Nyquist
   * frequency, which the corpora, resampled by their makers with wider filters, still have). Default [44100, 48000];
   * null for none.
   */
  bandLimitRates?: number[] | null;
  /** Probability of applying each transform. Default 0.8. */
  probability?: number;
}

/** `samples` as if recorded at `rate` and resampled to `sampleRate` by ser: band-limited by our resampler twice. */
export function bandLimit(samples: Float32Array, sampleRate: number, rate: number): Float32Array {
  return resample(resample(samples, sampleRate, rate), rate, sampleRate).subarray(0, samples.length);
}

/** One random augmentation of `samples` (band limit, speed, then shift, gain, noise), drawn from `rng`. */
export function augmentWaveform(samples: Float32Array, sampleRate: number, rng: Rng, options: WaveAugmentOptions = {}): Float32Array {
  const p = options.probability ?? 0.8;
  const uniform = ([a, b]: [number, number]) => a + (b - a) * rng.next();
  let out = samples;
  const rates = options.bandLimitRates === undefined ? [44100, 48000] : options.bandLimitRates;
  if (rates && rates.length && rng.next() < p) out = bandLimit(out, sampleRate, rates[rng.int(rates.length)]!);
  const speeds = options.speeds === undefined ? [0.9, 1, 1.1] : options.speeds;
  if (speeds && speeds.length && rng.next() < p) out = speedPerturb(out, speeds[rng.int(speeds.length)]!, sampleRate);
  const maxShift = Math.round((options.maxShiftSeconds ?? 0.1) * sampleRate);
  if (maxShift > 0 && rng.next() < p) out = timeShift(out, rng.int(2 * maxShift + 1) - maxShift);
  const gain = options.gainDb === undefined ? ([-6, 6] as [number, number]) : options.gainDb;
  if (gain && rng.next() < p) out = applyGain(out, uniform(gain));
  const snr = options.snrDb === undefined ? ([5, 30] as [number, number]) : options.snrDb;
  if (snr && rng.next() < p) out = addNoise(out, uniform(snr), rng);
  return out === samples ? Float32Array.from(samples) : out;
}

/** `k` augmented copies of one utterance; copy j of utterance `index` depends only on (seed, index, j). */
export function augmentCopies(samples: Float32Array, sampleRate: number, k: number, seed: number, index = 0, options: WaveAugmentOptions = {}): Float32Array[] {
  return Array.from({ length: k }, (_, j) => augmentWaveform(samples, sampleRate, createRng((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(index * 64 + j + 1, 0x85ebca6b)) >>> 0), options));
}

/** Augmented training rows for crossValidate's `augmented` field: features of K copies of each utterance. */
export interface AugmentedRows<F> {
  /** Index of the original utterance each copy comes from. */
  source: number[];
  features: F[];
}

/**
 * K augmented copies of every utterance, turned into features by the caller's `featurize` (e.g. a FeatureExtractor's
 * classic193 or logmel). `load(i)` gives utterance i's samples (decode a path, or return samples already in memory).
 */
export async function augmentDataset<F>(
  count: number,
  load: (index: number) => Promise<Float32Array> | Float32Array,
  featurize: (samples: Float32Array, index: number, copy: number) => Promise<F> | F,
  options: WaveAugmentOptions & { copies: number; seed?: number; sampleRate?: number },
): Promise<AugmentedRows<F>> {
  const source: number[] = [];
  const features: F[] = [];
  for (let i = 0; i < count; i++) {
    const samples = await load(i);
    const copies = augmentCopies(samples, options.sampleRate ?? 16000, options.copies, options.seed ?? 0, i, options);
    for (const [j, copy] of copies.entries()) {
      features.push(await featurize(copy, i, j));
      source.push(i);
    }
  }
  return { source, features };
}
