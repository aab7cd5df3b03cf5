/**
 * The `functionals` preset: statistics over an utterance's frames of spectral and prosodic descriptors, in the
 * manner of openSMILE's functionals. classic193 keeps only each feature's mean; emotion lives as much in how the
 * voice moves (pitch range and contour, loudness dynamics, spread of the spectrum over time) as in its average.
 * On EMO-DB leave-one-speaker-out this vector lifts every model by 8-20 UAR points over classic193.
 *
 * Everything here is computed from one engine request (one STFT), so the native addon and the TypeScript twin give
 * the same vector up to their float differences.
 */
import { FeatureError } from '../errors.js';
import { PITCH_RANGE_HZ, pitchFftLength, pitchTrack } from './pitch.js';
import { defaultRequest, type FeatureRequest, type FeatureResult, type Matrix } from './types.js';

/** Bump when this file's arithmetic changes: feature caches key on it. */
export const FUNCTIONALS_REVISION = 1;

/** Frames quieter than the loudest by more than this are pauses: left out of the pitch and energy statistics. */
const ACTIVE_RANGE_DB = 40;
/** A frame is voiced when its normalised autocorrelation peak reaches this (and it is not a pause). */
const VOICING_THRESHOLD = 0.45;

type Stat = 'mean' | 'std' | 'p10' | 'p50' | 'p90' | 'range' | 'dabs' | 'skew';

/** Spectral blocks: which engine feature, how many rows, which statistics of each row. */
const SPECTRAL_BLOCKS = [
  { feature: 'mfcc', name: 'mfcc', rows: 40, stats: ['mean', 'std', 'p10', 'p90', 'dabs', 'skew'] },
  { feature: 'mel', name: 'logmel', rows: 64, stats: ['mean', 'std'] },
  { feature: 'contrast', name: 'contrast', rows: 7, stats: ['mean', 'std'] },
  { feature: 'chromaStft', name: 'chroma', rows: 12, stats: ['mean', 'std'] },
] as const satisfies readonly { feature: 'mfcc' | 'mel' | 'contrast' | 'chromaStft'; name: string; rows: number; stats: readonly Stat[] }[];

const CONTOUR_STATS = ['mean', 'std', 'p10', 'p50', 'p90', 'range', 'dabs', 'skew'] as const satisfies readonly Stat[];
const VOICING_STATS = ['mean', 'std', 'p90'] as const satisfies readonly Stat[];

/** Names of the vector's values, in order (CSV headers, model cards). */
export function functionalNames(): string[] {
  const names: string[] = [];
  for (const b of SPECTRAL_BLOCKS) for (let r = 1; r <= b.rows; r++) for (const s of b.stats) names.push(`${b.name}${r}_${s}`);
  for (const s of CONTOUR_STATS) names.push(`pitch_semitones_${s}`);
  names.push('voiced_fraction');
  for (const s of VOICING_STATS) names.push(`voicing_${s}`);
  for (const s of CONTOUR_STATS) names.push(`energy_db_${s}`);
  names.push('active_fraction');
  return names;
}

export const FUNCTIONALS_LENGTH = functionalNames().length;

/**
 * 40 ms Hann windows every 10 ms (speech framing; 40 ms holds two periods of a 60 Hz voice), 64 mel bands, 40 MFCCs,
 * and an FFT long enough for the pitch autocorrelation (1024 at 16 kHz).
 */
export function functionalsRequest(sampleRate: number): FeatureRequest {
  const r = defaultRequest(sampleRate, ['stft', 'mfcc', 'mel', 'contrast', 'chromaStft']);
  const winLength = Math.round(0.04 * sampleRate);
  r.stft = { nFft: pitchFftLength(sampleRate, winLength), hopLength: Math.round(0.01 * sampleRate), winLength, center: true };
  r.mel = { ...r.mel, nMels: 64 };
  r.mfcc = { nMfcc: 40 };
  return r;
}

/** Statistics of a sequence, in frame order (dabs: mean absolute step between neighbours). Empty -> zeros. */
function statistics(v: Float64Array, which: readonly Stat[], out: Float32Array, at: number): number {
  const n = v.length;
  if (n === 0) {
    out.fill(0, at, at + which.length);
    return at + which.length;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i]!;
  const mean = sum / n;
  let sq = 0;
  let cube = 0;
  let steps = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i]! - mean;
    sq += d * d;
    cube += d * d * d;
    if (i > 0) steps += Math.abs(v[i]! - v[i - 1]!);
  }
  const std = Math.sqrt(sq / n);
  let sorted: Float64Array | undefined;
  const pct = (p: number) => {
    sorted ??= Float64Array.from(v).sort();
    return sorted[Math.min(n - 1, Math.floor(p * n))]!;
  };
  for (const s of which) {
    let value: number;
    switch (s) {
      case 'mean': value = mean; break;
      case 'std': value = std; break;
      case 'p10': value = pct(0.1); break;
      case 'p50': value = pct(0.5); break;
      case 'p90': value = pct(0.9); break;
      case 'range': value = pct(0.95) - pct(0.05); break;
      case 'dabs': value = n > 1 ? steps / (n - 1) : 0; break;
      case 'skew': value = std > 0 ? cube / n / (std * std * std) : 0; break;
    }
    out[at++] = value;
  }
  return at;
}

function rowOf(m: Matrix, r: number, transform?: (x: number) => number): Float64Array {
  const row = new Float64Array(m.cols);
  for (let c = 0; c < m.cols; c++) {
    const x = m.data[r * m.cols + c]!;
    row[c] = transform ? transform(x) : x;
  }
  return row;
}

const toDb = (power: number) => 10 * Math.log10(Math.max(power, 1e-10));

/** The functionals vector from an engine's answer to `functionalsRequest(sampleRate)`. */
export function assembleFunctionals(result: FeatureResult, sampleRate: number): Float32Array {
  const out = new Float32Array(FUNCTIONALS_LENGTH);
  let at = 0;
  for (const b of SPECTRAL_BLOCKS) {
    const m = result[b.feature];
    if (!m || m.rows !== b.rows) throw new FeatureError(`engine returned no ${b.feature} block of ${b.rows} rows for the functionals preset`);
    for (let r = 0; r < b.rows; r++) at = statistics(rowOf(m, r, b.feature === 'mel' ? toDb : undefined), b.stats, out, at);
  }
  const spectrum = result.stft;
  if (!spectrum) throw new FeatureError('engine returned no stft magnitude for the functionals preset');
  const track = pitchTrack(spectrum, sampleRate, functionalsRequest(sampleRate).stft.winLength);
  let loudest = -Infinity;
  for (const e of track.energyDb) loudest = Math.max(loudest, e);
  const pitch: number[] = [];
  const energy: number[] = [];
  for (let f = 0; f < track.energyDb.length; f++) {
    if (track.energyDb[f]! <= loudest - ACTIVE_RANGE_DB) continue;
    energy.push(track.energyDb[f]! - loudest);
    // Semitones relative to 100 Hz: pitch perception (and speakers' ranges) are logarithmic.
    if (track.voicing[f]! > VOICING_THRESHOLD) pitch.push(12 * Math.log2(track.f0[f]! / 100));
  }
  at = statistics(Float64Array.from(pitch), CONTOUR_STATS, out, at);
  out[at++] = energy.length > 0 ? pitch.length / energy.length : 0;
  at = statistics(track.voicing, VOICING_STATS, out, at);
  at = statistics(Float64Array.from(energy), CONTOUR_STATS, out, at);
  out[at++] = track.energyDb.length > 0 ? energy.length / track.energyDb.length : 0;
  if (at !== FUNCTIONALS_LENGTH) throw new FeatureError(`functionals: assembled ${at} values, expected ${FUNCTIONALS_LENGTH}`);
  return out;
}

export const FUNCTIONALS_DESCRIPTION =
  `statistics over 10 ms frames (40 ms windows): MFCC 40 (mean, std, p10, p90, mean |delta|, skewness), log-mel 64 ` +
  `(mean, std), spectral contrast 7 and chroma 12 (mean, std), pitch in semitones from autocorrelation ` +
  `(${PITCH_RANGE_HZ.min}-${PITCH_RANGE_HZ.max} Hz; 8 statistics, voiced fraction, voicing), energy in dB (8 statistics, active fraction)`;
