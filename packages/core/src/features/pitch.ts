/**
 * Frame energy and an autocorrelation pitch track from a magnitude STFT: the prosody the utterance functionals
 * summarise. The autocorrelation is the inverse transform of the power spectrum (Wiener-Khinchin), so it costs one
 * FFT per frame on top of the STFT the other features already share.
 */
import type { Matrix } from './types.js';
import { Fft } from './ts/fft.js';

/** Pitch search range in Hz: below the lowest male voices, above the highest screamed female ones. */
export const PITCH_RANGE_HZ = { min: 60, max: 500 } as const;

/** A peak this close (relative) to the highest is taken as the period when it comes at a shorter lag. */
const OCTAVE_MARGIN = 0.1;

export interface PitchTrack {
  /** Best autocorrelation lag of each frame as a frequency, Hz (meaningful only where `voicing` is high). */
  f0: Float64Array;
  /** Autocorrelation at that lag (corrected for the window's taper) over that at lag 0, about [-1, 1]: periodicity. */
  voicing: Float64Array;
  /** Energy of the windowed frame in dB (10 log10 of the sum of squares, floored at 1e-10). */
  energyDb: Float64Array;
}

/**
 * The FFT length that keeps the circular autocorrelation of a zero-padded `winLength` frame exact up to the longest
 * lag searched (60 Hz): nFft >= winLength + maxLag.
 */
export function pitchFftLength(sampleRate: number, winLength: number): number {
  const maxLag = Math.ceil(sampleRate / PITCH_RANGE_HZ.min);
  return 2 ** Math.ceil(Math.log2(winLength + maxLag + 1));
}

/** Tapers by window length and lag range: every utterance of a batch shares one (O(winLength x maxLag) to make). */
const TAPERS = new Map<string, Float64Array>();

/**
 * Autocorrelation of the periodic Hann window of `winLength` at lags 0..maxLag, over its value at lag 0. A windowed
 * frame's autocorrelation is the signal's times this taper, so dividing by it keeps a long period's peak as high as
 * a short one's (Boersma 1993); otherwise low voices would look less periodic than high ones.
 */
function windowAutocorrelation(winLength: number, maxLag: number): Float64Array {
  const key = `${winLength}:${maxLag}`;
  const known = TAPERS.get(key);
  if (known) return known;
  const w = Float64Array.from({ length: winLength }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / winLength));
  const r = new Float64Array(maxLag + 1);
  for (let l = 0; l <= maxLag; l++) {
    let s = 0;
    for (let i = 0; i + l < winLength; i++) s += w[i]! * w[i + l]!;
    r[l] = s;
  }
  const r0 = r[0]!;
  const taper = r.map((x) => x / r0);
  TAPERS.set(key, taper);
  return taper;
}

/**
 * `magnitude`: nFft/2 + 1 rows (bins) x frames, as the engines' `stft` feature returns it for Hann windows of
 * `winLength` samples.
 */
export function pitchTrack(magnitude: Matrix, sampleRate: number, winLength: number): PitchTrack {
  const bins = magnitude.rows;
  const frames = magnitude.cols;
  const n = (bins - 1) * 2;
  const minLag = Math.max(1, Math.floor(sampleRate / PITCH_RANGE_HZ.max));
  const maxLag = Math.min(n / 2, winLength - 1, Math.ceil(sampleRate / PITCH_RANGE_HZ.min));
  const f0 = new Float64Array(frames);
  const voicing = new Float64Array(frames);
  const energyDb = new Float64Array(frames);
  if (n < 2 || minLag > maxLag) return { f0, voicing, energyDb };
  const taper = windowAutocorrelation(winLength, maxLag);
  const corrected = new Float64Array(maxLag + 1);
  const fft = new Fft(n);
  const power = new Float64Array(n);
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let f = 0; f < frames; f++) {
    // The power spectrum of a real frame is even: bins 1..n/2-1 appear twice in the full length-n sequence.
    for (let k = 0; k < bins; k++) {
      const m = magnitude.data[k * frames + f]!;
      power[k] = m * m;
      if (k > 0 && k < bins - 1) power[n - k] = m * m;
    }
    fft.realForward(power, re, im);
    const r0 = re[0]!;
    let best = -Infinity;
    for (let l = minLag; l <= maxLag; l++) {
      const r = re[l]! / taper[l]!;
      corrected[l] = r;
      if (r > best) best = r;
    }
    // A periodic frame correlates as well at two and three periods as at one; the shortest lag that is a peak
    // within OCTAVE_MARGIN of the best is the period (otherwise the taper correction would favour octave errors).
    let lag = minLag;
    for (let l = minLag; l <= maxLag; l++) {
      const r = corrected[l]!;
      const peak = (l === minLag || r >= corrected[l - 1]!) && (l === maxLag || r >= corrected[l + 1]!);
      if (peak && r >= best - OCTAVE_MARGIN * Math.abs(best)) {
        lag = l;
        break;
      }
    }
    f0[f] = sampleRate / lag;
    voicing[f] = r0 > 0 ? corrected[lag]! / r0 : 0;
    // Parseval: the sum of |X_k|^2 over all n bins is n times the frame's sum of squares.
    energyDb[f] = 10 * Math.log10(Math.max(r0 / n, 1e-10));
  }
  return { f0, voicing, energyDb };
}
