import { createRng } from '@ser/core';
import { TrainingError, checkRows, type Classifier, type FitContext, type Rows } from '../classifier.js';
import { RandomizedTree } from './randomized-tree.js';

export interface RandomForestParams {
  /** Trees. Default 500. */
  nEstimators?: number;
  /** Candidate features per split; default round(sqrt(width)) like scikit-learn's max_features='sqrt'. */
  maxFeatures?: number;
  seed?: number;
}

/**
 * Breiman's random forest as scikit-learn builds it: bootstrap samples, a random feature subset at every split, trees
 * grown to purity, probabilities averaged over trees.
 */
export class RandomForest implements Classifier {
  readonly name = 'rf';
  readonly params: Record<string, unknown>;
  readonly #options: RandomForestParams;
  #trees: RandomizedTree[] = [];
  #nClasses = 0;
  #width = 0;

  constructor(params: RandomForestParams = {}) {
    this.#options = params;
    this.params = { nEstimators: params.nEstimators ?? 500, maxFeatures: params.maxFeatures ?? 'sqrt', seed: params.seed ?? 0 };
  }

  fit(x: Rows, y: readonly number[], context: FitContext): Promise<void> {
    const width = checkRows(x, undefined, 'RandomForest.fit');
    const n = x.length;
    if (y.length !== n) throw new TrainingError(`RandomForest.fit: ${n} rows but ${y.length} labels`);
    const nEstimators = this.params.nEstimators as number;
    if (!Number.isInteger(nEstimators) || nEstimators < 1) throw new TrainingError(`RandomForest: nEstimators must be a positive integer, got ${nEstimators}`);
    this.#width = width;
    this.#nClasses = context.nClasses;
    const cols = Array.from({ length: width }, (_, f) => Float32Array.from(x, (row) => row[f]!));
    const data = { cols, y: Int32Array.from(y), nClasses: context.nClasses };
    const mtry = Math.min(width, Math.max(1, this.#options.maxFeatures ?? Math.round(Math.sqrt(width))));
    const rng = createRng(this.params.seed as number);
    this.#trees = [];
    const weights = new Float64Array(n);
    for (let t = 0; t < nEstimators; t++) {
      weights.fill(0);
      for (let i = 0; i < n; i++) weights[rng.int(n)]! += 1;
      this.#trees.push(new RandomizedTree(data, weights, mtry, rng));
    }
    return Promise.resolve();
  }

  predictProba(x: Rows): Promise<number[][]> {
    if (this.#trees.length === 0) throw new TrainingError('RandomForest: predict before fit');
    checkRows(x, this.#width, 'RandomForest.predict');
    return Promise.resolve(
      x.map((row) => {
        const p = new Array<number>(this.#nClasses).fill(0);
        for (const tree of this.#trees) {
          const leaf = tree.leaf(row);
          for (let c = 0; c < p.length; c++) p[c]! += leaf[c]! / this.#trees.length;
        }
        return p;
      }),
    );
  }
}
