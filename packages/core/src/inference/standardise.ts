/**
 * Standardisation of feature vectors (each feature to zero mean and unit variance over a set of vectors): the one
 * arithmetic that @ser/training's StandardScaler fits and applies, and that a per-speaker model's inference repeats,
 * so a model sees exactly what it was trained on.
 */
import { ModelError } from './card.js';

/** Per-feature mean and scale (population standard deviation; a constant feature keeps scale 1, so it maps to 0). */
export interface FeatureStandardisation {
  mean: Float64Array;
  scale: Float64Array;
}

/** The statistics of `vectors` (all of one length, at least one), in double precision. */
export function fitStandardisation(vectors: readonly ArrayLike<number>[]): FeatureStandardisation {
  const w = vectors[0]?.length ?? 0;
  if (vectors.length === 0 || !vectors.every((v) => v.length === w)) throw new ModelError('standardisation needs at least one vector, all of one length');
  const mean = new Float64Array(w);
  const sq = new Float64Array(w);
  for (const v of vectors) for (let j = 0; j < w; j++) mean[j]! += v[j]!;
  for (let j = 0; j < w; j++) mean[j]! /= vectors.length;
  for (const v of vectors) {
    for (let j = 0; j < w; j++) {
      const d = v[j]! - mean[j]!;
      sq[j]! += d * d;
    }
  }
  const scale = new Float64Array(w);
  for (let j = 0; j < w; j++) {
    const s = Math.sqrt(sq[j]! / vectors.length);
    scale[j] = s > 1e-12 ? s : 1;
  }
  return { mean, scale };
}

/** (v - mean) / scale, as a new vector. */
export function applyStandardisation(v: ArrayLike<number>, s: FeatureStandardisation): Float32Array {
  const out = new Float32Array(v.length);
  for (let j = 0; j < v.length; j++) out[j] = (v[j]! - s.mean[j]!) / s.scale[j]!;
  return out;
}

/**
 * Per-speaker standardisation (the card's `speakerStandardisation`): the vectors of one speaker's recordings, each
 * feature standardised over them.
 */
export function standardiseSpeaker(vectors: readonly Float32Array[]): Float32Array[] {
  if (vectors.length === 0) return [];
  const s = fitStandardisation(vectors);
  return vectors.map((v) => applyStandardisation(v, s));
}
