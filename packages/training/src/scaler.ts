import { applyStandardisation, fitStandardisation } from '@ser/core';
import { TrainingError, checkRows, type Rows } from './classifier.js';

/**
 * scikit-learn's StandardScaler: per-feature mean and population standard deviation from the training rows; a
 * constant feature keeps scale 1 so it maps to 0 instead of dividing by zero. The arithmetic is @ser/core's
 * (fitStandardisation), which per-speaker models repeat at inference.
 */
export class StandardScaler {
  mean: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);

  fit(x: Rows): this {
    checkRows(x, undefined, 'StandardScaler.fit');
    const { mean, scale } = fitStandardisation(x);
    this.mean = mean;
    this.scale = scale;
    return this;
  }

  transform(x: Rows): Float32Array[] {
    if (this.mean.length === 0) throw new TrainingError('StandardScaler: transform before fit');
    checkRows(x, this.mean.length, 'StandardScaler.transform');
    return x.map((row) => applyStandardisation(row, this));
  }

  /** One row, standardised. */
  transformRow(row: Float32Array): Float32Array {
    return this.transform([row])[0]!;
  }

  fitTransform(x: Rows): Float32Array[] {
    return this.fit(x).transform(x);
  }
}

/**
 * Per-speaker standardisation: each speaker's rows are standardised with that speaker's own statistics. It removes
 * much of the voice from the features, but needs several utterances of a test speaker before predicting, so it is
 * reported as its own row, never mixed with the plain protocol.
 */
export function standardizePerSpeaker(x: Rows, speakers: readonly string[]): Float32Array[] {
  const scalers = speakerScalers(x, speakers);
  return x.map((row, i) => scalers.get(speakers[i]!)!.transformRow(row));
}

/** One StandardScaler per speaker, fitted on that speaker's rows (to standardise more rows of the same speakers). */
export function speakerScalers(x: Rows, speakers: readonly string[]): Map<string, StandardScaler> {
  if (x.length !== speakers.length) throw new TrainingError(`standardizePerSpeaker: ${x.length} rows but ${speakers.length} speakers`);
  const bySpeaker = new Map<string, Float32Array[]>();
  speakers.forEach((s, i) => {
    const rows = bySpeaker.get(s);
    if (rows) rows.push(x[i]!);
    else bySpeaker.set(s, [x[i]!]);
  });
  return new Map([...bySpeaker].map(([s, rows]) => [s, new StandardScaler().fit(rows)]));
}
