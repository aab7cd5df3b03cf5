/**
 * The one interface every model implements, classical or deep: fit on rows of features with integer class indexes,
 * then give class probabilities. Evaluation, the CLI and the exporters only ever see this.
 */
import { SerError } from '@ser/core';

/** Feature rows (one Float32Array per utterance, all the same length). */
export type Rows = readonly Float32Array[];

export interface FitContext {
  /** Speaker of each training row: lets a model tune itself by speaker-grouped inner cross-validation. */
  groups?: readonly string[];
  /** Number of classes; class indexes run 0..nClasses-1 even when a class is missing from this training set. */
  nClasses: number;
}

export interface Classifier {
  /** Short id, e.g. "svm". */
  readonly name: string;
  /** Hyper-parameters actually used (after any tuning), for reports. */
  readonly params: Record<string, unknown>;
  fit(x: Rows, y: readonly number[], context: FitContext): Promise<void>;
  /** Probabilities per row, nClasses each, summing to 1. */
  predictProba(x: Rows): Promise<number[][]>;
  /**
   * Classes, where the model decides otherwise than by the argmax of its probabilities (an SVM decides by its
   * decision function; its probabilities come from a separate Platt fit and can disagree near the boundary).
   */
  predict?(x: Rows): Promise<number[]>;
  /** Frees native or WebAssembly memory, where the model holds any. */
  dispose?(): void;
}

/** A model used wrongly (predicting before fitting, rows of the wrong width, an empty training set). */
export class TrainingError extends SerError {}

export function argmax(p: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
}

export async function predictClasses(model: Classifier, x: Rows): Promise<number[]> {
  return model.predict ? model.predict(x) : (await model.predictProba(x)).map(argmax);
}

export function checkRows(x: Rows, width: number | undefined, what: string): number {
  if (x.length === 0) throw new TrainingError(`${what}: no rows`);
  const w = width ?? x[0]!.length;
  x.forEach((row, i) => {
    if (row.length !== w) throw new TrainingError(`${what}: row ${i} has ${row.length} features, expected ${w}`);
  });
  return w;
}

export function toArrays(x: Rows): number[][] {
  return x.map((row) => Array.from(row));
}

/** A one-hot row for models that only give a class (a single decision tree). */
export function oneHot(k: number, nClasses: number): number[] {
  const p = new Array<number>(nClasses).fill(0);
  p[k] = 1;
  return p;
}
