import { DecisionTreeClassifier } from 'ml-cart';
import { TrainingError, checkRows, oneHot, toArrays, type Classifier, type FitContext, type Rows } from '../classifier.js';

export interface DecisionTreeParams {
  /** Smallest node that may still be split (scikit-learn's min_samples_split). Default 2. */
  minNumSamples?: number;
  maxDepth?: number;
}

/** CART with Gini impurity (ml-cart), grown until its leaves are pure, as scikit-learn's default tree is. */
export class DecisionTree implements Classifier {
  readonly name = 'dt';
  readonly params: Record<string, unknown>;
  #tree: DecisionTreeClassifier | undefined;
  #nClasses = 0;
  #width = 0;

  constructor(params: DecisionTreeParams = {}) {
    this.params = { minNumSamples: params.minNumSamples ?? 2, maxDepth: params.maxDepth ?? Infinity };
  }

  fit(x: Rows, y: readonly number[], context: FitContext): Promise<void> {
    this.#width = checkRows(x, undefined, 'DecisionTree.fit');
    this.#nClasses = context.nClasses;
    this.#tree = new DecisionTreeClassifier({
      gainFunction: 'gini',
      minNumSamples: this.params.minNumSamples as number,
      maxDepth: this.params.maxDepth as number,
      gainThreshold: 0,
    });
    this.#tree.train(toArrays(x), [...y]);
    return Promise.resolve();
  }

  predictProba(x: Rows): Promise<number[][]> {
    if (!this.#tree) throw new TrainingError('DecisionTree: predict before fit');
    checkRows(x, this.#width, 'DecisionTree.predict');
    return Promise.resolve(this.#tree.predict(toArrays(x)).map((k) => oneHot(k, this.#nClasses)));
  }
}
