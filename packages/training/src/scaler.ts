import { TrainingError, checkRows, type Rows } from './classifier.js';

/**
 * scikit-learn's StandardScaler: per-feature mean and population standard deviation from the training rows; a
 * constant feature keeps scale 1 so it maps to 0 instead of dividing by zero.
 */
export class StandardScaler {
  mean: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);

  fit(x: Rows): this {
    const w = checkRows(x, undefined, 'StandardScaler.fit');
    const mean = new Float64Array(w);
    const sq = new Float64Array(w);
    for (const row of x) for (let j = 0; j < w; j++) mean[j]! += row[j]!;
    for (let j = 0; j < w; j++) mean[j]! /= x.length;
    for (const row of x) {
      for (let j = 0; j < w; j++) {
        const d = row[j]! - mean[j]!;
        sq[j]! += d * d;
      }
    }
    const scale = new Float64Array(w);
    for (let j = 0; j < w; j++) {
      const s = Math.sqrt(sq[j]! / x.length);
      scale[j] = s > 1e-12 ? s : 1;
    }
    this.mean = mean;
    this.scale = scale;
    return this;
  }

  transform(x: Rows): Float32Array[] {
    if (this.mean.length === 0) throw new TrainingError('StandardScaler: transform before fit');
    checkRows(x, this.mean.length, 'StandardScaler.transform');
    return x.map((row) => {
      const out = new Float32Array(row.length);
      for (let j = 0; j < row.length; j++) out[j] = (row[j]! - this.mean[j]!) / this.scale[j]!;
      return out;
    });
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
  return x.map((row, i) => scalers.get(speakers[i]!)!.transform([row])[0]!);
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
