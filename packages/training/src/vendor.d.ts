// Types for the npm libraries we wrap that ship none; only what the wrappers call.
declare module 'ml-cart' {
  export interface DecisionTreeOptions {
    gainFunction?: 'gini';
    minNumSamples?: number;
    maxDepth?: number;
    gainThreshold?: number;
  }
  export class DecisionTreeClassifier {
    constructor(options?: DecisionTreeOptions);
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
    toJSON(): unknown;
  }
}

declare module 'libsvm-js' {
  export interface SvmOptions {
    type?: number;
    kernel?: number;
    gamma?: number;
    cost?: number;
    probabilityEstimates?: boolean;
    quiet?: boolean;
    cacheSize?: number;
    tolerance?: number;
    shrinking?: boolean;
  }
  export interface Svm {
    train(samples: number[][], labels: number[]): void;
    predict(samples: number[][]): number[];
    predictProbability(samples: number[][]): { prediction: number; estimates: { label: number; probability: number }[] }[];
    free(): void;
    serializeModel(): string;
  }
  export interface SvmConstructor {
    new (options?: SvmOptions): Svm;
    KERNEL_TYPES: { LINEAR: number; POLYNOMIAL: number; RBF: number; SIGMOID: number };
    SVM_TYPES: { C_SVC: number; NU_SVC: number; ONE_CLASS: number; EPSILON_SVR: number; NU_SVR: number };
  }
  const loader: Promise<SvmConstructor>;
  export default loader;
}
