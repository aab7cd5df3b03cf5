import { createRequire } from 'node:module';
import type { Svm, SvmConstructor } from 'libsvm-js';
import { computeMetrics, createRng, speakerKFold } from '@ser/core';
import { TrainingError, checkRows, toArrays, type Classifier, type FitContext, type Rows } from '../classifier.js';

let svmClass: Promise<SvmConstructor> | undefined;

/** libsvm compiled to WebAssembly, loaded once. Its loader announces a harmless fallback on stderr; we keep it quiet. */
function libsvm(): Promise<SvmConstructor> {
  if (!svmClass) {
    const warn = console.warn;
    const log = console.log;
    const quiet = (orig: (...a: unknown[]) => void) => (...a: unknown[]) => {
      if (!/wasm streaming compile|falling back to ArrayBuffer/.test(String(a[0]))) orig(...a);
    };
    console.warn = quiet(warn);
    console.log = quiet(log);
    // Loaded lazily: the module starts compiling its WebAssembly (and talking about it) as soon as it is loaded. It is
    // CommonJS whose export is a Promise, which ESM interop layers (vitest's among them) mangle; require keeps it intact.
    const loader = createRequire(import.meta.url)('libsvm-js') as Promise<SvmConstructor>;
    svmClass = loader.finally(() => {
      console.warn = warn;
      console.log = log;
    });
  }
  return svmClass;
}

export interface SvmParams {
  /** Candidate costs C for the inner search. Default 0.1, 1, 10, 100. */
  costs?: number[];
  /** Candidate gammas as multiples of 1/width (scikit-learn's gamma='scale' on standardised features). Default 1/4, 1, 4. */
  gammaFactors?: number[];
  /** Inner folds. Default 4 (groups of training speakers when speakers are known). */
  innerFolds?: number;
  seed?: number;
}

interface Candidate {
  cost: number;
  gamma: number;
}

/**
 * RBF-kernel C-SVC (libsvm in WebAssembly) whose C and gamma are chosen by inner cross-validation on the training
 * rows only, grouped by speaker when the speakers are given, scored by UAR. Never sees a test row while tuning.
 */
export class SvmRbf implements Classifier {
  readonly name = 'svm';
  params: Record<string, unknown> = {};
  readonly #options: Required<SvmParams>;
  #svm: Svm | undefined;
  #nClasses = 0;
  #width = 0;

  constructor(options: SvmParams = {}) {
    this.#options = {
      costs: options.costs ?? [0.1, 1, 10, 100],
      gammaFactors: options.gammaFactors ?? [0.25, 1, 4],
      innerFolds: options.innerFolds ?? 4,
      seed: options.seed ?? 0,
    };
  }

  async fit(x: Rows, y: readonly number[], context: FitContext): Promise<void> {
    this.#width = checkRows(x, undefined, 'SvmRbf.fit');
    this.#nClasses = context.nClasses;
    const SVM = await libsvm();
    const rows = toArrays(x);
    const candidates: Candidate[] = this.#options.costs.flatMap((cost) =>
      this.#options.gammaFactors.map((f) => ({ cost, gamma: f / this.#width })),
    );
    const folds = this.#innerFolds(y, context.groups);
    let best = candidates[0]!;
    let bestScore = -1;
    const labels = [...Array(context.nClasses).keys()].map(String);
    for (const c of candidates) {
      const truth: string[] = [];
      const predicted: string[] = [];
      for (const testIdx of folds) {
        const inTest = new Set(testIdx);
        const trainIdx = rows.map((_, i) => i).filter((i) => !inTest.has(i));
        if (new Set(trainIdx.map((i) => y[i])).size < 2) continue;
        const svm = new SVM({ kernel: SVM.KERNEL_TYPES.RBF, type: SVM.SVM_TYPES.C_SVC, cost: c.cost, gamma: c.gamma, quiet: true });
        try {
          svm.train(trainIdx.map((i) => rows[i]!), trainIdx.map((i) => y[i]!));
          const p = svm.predict(testIdx.map((i) => rows[i]!));
          testIdx.forEach((i, j) => {
            truth.push(String(y[i]));
            predicted.push(String(p[j]));
          });
        } finally {
          svm.free();
        }
      }
      const score = truth.length > 0 ? computeMetrics(truth, predicted, labels).uar : 0;
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    this.#svm?.free();
    this.#svm = new SVM({
      kernel: SVM.KERNEL_TYPES.RBF,
      type: SVM.SVM_TYPES.C_SVC,
      cost: best.cost,
      gamma: best.gamma,
      probabilityEstimates: true,
      quiet: true,
    });
    this.#svm.train(rows, [...y]);
    this.params = { kernel: 'rbf', C: best.cost, gamma: best.gamma, innerUar: bestScore, innerFolds: folds.length };
  }

  /** Test-row index lists: consecutive speaker groups when speakers are known, a seeded shuffle otherwise. */
  #innerFolds(y: readonly number[], groups: readonly string[] | undefined): number[][] {
    const n = y.length;
    const speakers = groups ? new Set(groups).size : 0;
    if (groups && speakers >= 2) {
      const items = groups.map((speaker, i) => ({ speaker, emotion: String(y[i]), i }));
      return speakerKFold(items, { k: Math.min(this.#options.innerFolds, speakers) }).map((f) => f.test.map((it) => it.i));
    }
    const order = createRng(this.#options.seed).shuffle([...Array(n).keys()]);
    const k = Math.min(this.#options.innerFolds, n);
    return [...Array(k).keys()].map((f) => order.filter((_, j) => j % k === f));
  }

  predictProba(x: Rows): Promise<number[][]> {
    const svm = this.#trained(x);
    return Promise.resolve(
      svm.predictProbability(toArrays(x)).map((r) => {
        const p = new Array<number>(this.#nClasses).fill(0);
        for (const e of r.estimates) p[e.label] = e.probability;
        return p;
      }),
    );
  }

  predict(x: Rows): Promise<number[]> {
    return Promise.resolve(this.#trained(x).predict(toArrays(x)));
  }

  #trained(x: Rows): Svm {
    if (!this.#svm) throw new TrainingError('SvmRbf: predict before fit');
    checkRows(x, this.#width, 'SvmRbf.predict');
    return this.#svm;
  }

  dispose(): void {
    this.#svm?.free();
    this.#svm = undefined;
  }
}
