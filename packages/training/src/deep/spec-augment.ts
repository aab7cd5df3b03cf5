/**
 * Online augmentation of a training batch: SpecAugment masks on log-mel windows and mixup. Both draw from the
 * training loop's seeded RNG, so a run repeats.
 */
import type { Rng } from '@ser/core';

export interface SpecAugmentOptions {
  /** Time masks per window. Default 2. */
  timeMasks?: number;
  /** Widest time mask, as a fraction of the window's frames. Default 0.12. */
  maxTimeFraction?: number;
  /** Frequency masks per window. Default 2. */
  freqMasks?: number;
  /** Widest frequency mask, as a fraction of the bands. Default 0.12. */
  maxFreqFraction?: number;
  /** Value written into masked cells (0 = the mean after normalisation). Default 0. */
  value?: number;
}

/**
 * Masks `timeMasks` runs of frames and `freqMasks` runs of bands of one time-major window (`frames x bands`,
 * `w[t * bands + b]`), in place. Each mask's width is uniform in [0, max].
 */
export function specAugment(w: Float32Array, frames: number, bands: number, rng: Rng, options: SpecAugmentOptions = {}): Float32Array {
  const value = options.value ?? 0;
  const maxT = Math.max(0, Math.floor((options.maxTimeFraction ?? 0.12) * frames));
  const maxF = Math.max(0, Math.floor((options.maxFreqFraction ?? 0.12) * bands));
  for (let m = 0; m < (options.timeMasks ?? 2); m++) {
    const width = rng.int(maxT + 1);
    const start = rng.int(frames - width + 1);
    w.fill(value, start * bands, (start + width) * bands);
  }
  for (let m = 0; m < (options.freqMasks ?? 2); m++) {
    const width = rng.int(maxF + 1);
    const start = rng.int(bands - width + 1);
    for (let t = 0; t < frames; t++) w.fill(value, t * bands + start, t * bands + start + width);
  }
  return w;
}

/** A standard normal draw (Box-Muller). */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Gamma(shape, 1) by Marsaglia and Tsang (boosted for shape < 1). */
export function gammaSample(shape: number, rng: Rng): number {
  if (shape < 1) return gammaSample(shape + 1, rng) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = gaussian(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(alpha, alpha): mixup's mixing weight. */
export function betaSample(alpha: number, rng: Rng): number {
  const a = gammaSample(alpha, rng);
  const b = gammaSample(alpha, rng);
  return a + b > 0 ? a / (a + b) : 0.5;
}
