import { TrainingError, type Classifier } from '../classifier.js';
import { DecisionTree } from './decision-tree.js';
import { Mlp } from './mlp.js';
import { RandomForest } from './random-forest.js';
import { SvmRbf } from './svm.js';

export { DecisionTree, type DecisionTreeParams } from './decision-tree.js';
export { Mlp, type MlpParams } from './mlp.js';
export { RandomForest, type RandomForestParams } from './random-forest.js';
export { SvmRbf, type SvmParams } from './svm.js';

export const CLASSICAL_MODELS = ['dt', 'rf', 'svm', 'mlp'] as const;
export type ClassicalModelName = (typeof CLASSICAL_MODELS)[number];

export const MODEL_DESCRIPTIONS: Record<ClassicalModelName, string> = {
  dt: 'decision tree (CART, Gini)',
  rf: 'random forest (500 trees)',
  svm: 'SVM, RBF kernel, C and gamma tuned by inner speaker-grouped CV',
  mlp: 'MLP, one hidden layer of 300 ReLU units (Adam)',
};

export function isClassicalModelName(x: string): x is ClassicalModelName {
  return (CLASSICAL_MODELS as readonly string[]).includes(x);
}

/** A fresh, untrained model; every random choice inside it follows `seed`. */
export function createClassifier(name: ClassicalModelName, seed = 0): Classifier {
  switch (name) {
    case 'dt':
      return new DecisionTree();
    case 'rf':
      return new RandomForest({ seed });
    case 'svm':
      return new SvmRbf({ seed });
    case 'mlp':
      return new Mlp({ seed });
    default:
      throw new TrainingError(`unknown model "${String(name)}"; use one of ${CLASSICAL_MODELS.join(', ')}`);
  }
}
