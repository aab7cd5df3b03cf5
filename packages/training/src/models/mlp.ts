import { createRng } from '@ser/core';
import { TrainingError, checkRows, type Classifier, type FitContext, type Rows } from '../classifier.js';
import { initTf, tf } from '../tf-backend.js';

export interface MlpParams {
  /** Units of the hidden ReLU layer. Default 300. */
  hidden?: number;
  /** L2 penalty (scikit-learn's alpha). Default 1e-4. */
  alpha?: number;
  learningRate?: number;
  maxEpochs?: number;
  /** Stop when the training loss has not improved by `tol` for `patience` epochs (scikit-learn's rule). */
  tol?: number;
  patience?: number;
  batchSize?: number;
  seed?: number;
}

/**
 * One-hidden-layer perceptron trained with Adam in TensorFlow.js, mirroring scikit-learn's MLPClassifier defaults.
 * Batches are drawn with our seeded RNG and the weights initialised from the seed, so a run repeats exactly.
 */
export class Mlp implements Classifier {
  readonly name = 'mlp';
  readonly params: Record<string, unknown>;
  readonly #p: Required<MlpParams>;
  #model: tf.Sequential | undefined;
  #width = 0;

  constructor(params: MlpParams = {}) {
    this.#p = {
      hidden: params.hidden ?? 300,
      alpha: params.alpha ?? 1e-4,
      learningRate: params.learningRate ?? 1e-3,
      maxEpochs: params.maxEpochs ?? 200,
      tol: params.tol ?? 1e-4,
      patience: params.patience ?? 10,
      batchSize: params.batchSize ?? 200,
      seed: params.seed ?? 0,
    };
    this.params = { ...this.#p };
  }

  async fit(x: Rows, y: readonly number[], context: FitContext): Promise<void> {
    this.#width = checkRows(x, undefined, 'Mlp.fit');
    const backend = await initTf();
    const n = x.length;
    const batch = Math.min(this.#p.batchSize, n);
    this.dispose();
    const model = tf.sequential();
    const l2 = tf.regularizers.l2({ l2: (0.5 * this.#p.alpha) / batch });
    model.add(tf.layers.dense({ units: this.#p.hidden, activation: 'relu', inputShape: [this.#width], kernelInitializer: tf.initializers.glorotUniform({ seed: initSeed(this.#p.seed, 0) }), kernelRegularizer: l2 }));
    model.add(tf.layers.dense({ units: context.nClasses, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: initSeed(this.#p.seed, 1) }), kernelRegularizer: l2 }));
    model.compile({ optimizer: tf.train.adam(this.#p.learningRate), loss: 'categoricalCrossentropy' });
    this.#model = model;

    const flat = new Float32Array(n * this.#width);
    x.forEach((row, i) => flat.set(row, i * this.#width));
    const xs = tf.tensor2d(flat, [n, this.#width]);
    const ys = tf.oneHot(tf.tensor1d([...y], 'int32'), context.nClasses);
    const rng = createRng(this.#p.seed);
    let best = Infinity;
    let stale = 0;
    let epochs = 0;
    try {
      for (let epoch = 0; epoch < this.#p.maxEpochs; epoch++) {
        const order = rng.shuffle([...Array(n).keys()]);
        let total = 0;
        for (let start = 0; start < n; start += batch) {
          const idx = tf.tensor1d(order.slice(start, start + batch), 'int32');
          const bx = tf.gather(xs, idx);
          const by = tf.gather(ys, idx);
          const loss = (await model.trainOnBatch(bx, by)) as number;
          total += loss * idx.shape[0];
          tf.dispose([idx, bx, by]);
        }
        epochs = epoch + 1;
        const mean = total / n;
        if (mean > best - this.#p.tol) {
          if (++stale >= this.#p.patience) break;
        } else {
          stale = 0;
        }
        best = Math.min(best, mean);
      }
    } finally {
      tf.dispose([xs, ys]);
    }
    Object.assign(this.params, { epochs, backend });
  }

  predictProba(x: Rows): Promise<number[][]> {
    if (!this.#model) throw new TrainingError('Mlp: predict before fit');
    checkRows(x, this.#width, 'Mlp.predict');
    const flat = new Float32Array(x.length * this.#width);
    x.forEach((row, i) => flat.set(row, i * this.#width));
    const model = this.#model;
    const out = tf.tidy(() => model.predict(tf.tensor2d(flat, [x.length, this.#width])) as tf.Tensor2D);
    const values = out.arraySync();
    out.dispose();
    return Promise.resolve(values);
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
  }
}

/** The initialiser seed of layer `k`; never 0, which tfjs reads as "no seed" (Math.random). */
function initSeed(seed: number, k: number): number {
  return ((seed * 2 + k + 1) >>> 0) || 1;
}
