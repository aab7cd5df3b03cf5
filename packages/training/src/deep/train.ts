/**
 * The deep training loop: seeded Adam on mini-batches with class weights, L2 weight decay, SpecAugment and mixup,
 * validation UAR each epoch with early stopping and best-weight restore, and a checkpoint after every epoch from
 * which a killed run resumes to the same result.
 *
 * Reproducibility: everything random in epoch e (batch order, SpecAugment masks, mixup weights, dropout masks) is
 * drawn from an RNG seeded by (seed, e), so the RNG state of a checkpoint is just its epoch count, and a resumed run
 * repeats the epochs an uninterrupted one would have run.
 */
import { createRng, type Rng } from '@ser/core';
import { TrainingError } from '../classifier.js';
import { tf } from '../tf-backend.js';
import { readCheckpoint, writeCheckpoint, type StoredTensor } from './checkpoint.js';
import { ensureTrainingKernels } from './kernels.js';
import { betaSample, specAugment, type SpecAugmentOptions } from './spec-augment.js';

export interface EpochProgress {
  /** Epochs completed, 1-based. */
  epoch: number;
  epochs: number;
  /** Mean training loss (cross-entropy with class weights, plus the L2 term) over the epoch. */
  loss: number;
  /** Training accuracy over the epoch's (augmented) batches. */
  accuracy: number;
  /** UAR on the validation split, when there is one. */
  valUar?: number;
  /** Seconds this epoch took. */
  seconds: number;
  /** Estimated seconds to the last epoch (early stopping may end sooner). */
  etaSeconds: number;
}

export interface TrainLoopOptions {
  /** Maximum epochs. Default 100. */
  epochs?: number;
  /** Default 32. */
  batchSize?: number;
  /** Adam's learning rate. Default 1e-3. */
  learningRate?: number;
  /** L2 penalty on every kernel (weight decay), added to the loss as l2 * sum(w^2). Default 1e-4. */
  l2?: number;
  /** Weigh each example by n / (classes x count of its class), so rare classes count as much. Default true. */
  classWeights?: boolean;
  /** Mixup's Beta(alpha, alpha) parameter; 0 turns mixup off. Default 0. */
  mixup?: number;
  /** SpecAugment masks for [frames, bands, 1] inputs, or false. Default on (SpecAugmentOptions defaults) for 2-D inputs. */
  specAugment?: SpecAugmentOptions | false;
  /** Stop when the validation UAR has not improved for `patience` epochs. Default { patience: 15 }; needs `validate`. */
  earlyStopping?: { patience: number } | false;
  /** Restore the weights of the best validation epoch at the end. Default true (when there is validation). */
  restoreBest?: boolean;
  seed?: number;
  /** Write a checkpoint here after every epoch (atomically). */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir`, if there is one. */
  resume?: boolean;
  /** Aborting stops training after the current batch with TrainingInterruptedError; the last checkpoint stays. */
  signal?: AbortSignal;
  onEpoch?: (progress: EpochProgress) => void;
}

export interface TrainingSet {
  /** Flat examples, each of the model input's size (time-major windows for 2-D models). */
  x: readonly Float32Array[];
  y: readonly number[];
  nClasses: number;
  /** UAR of the current model on a held-out set, computed after every epoch. */
  validate?: (model: tf.LayersModel) => Promise<number>;
}

export interface TrainResult {
  /** Epochs trained in all (including those before a resume). */
  epochs: number;
  /** Epoch (1-based) whose weights the model ends with. */
  bestEpoch: number;
  bestValUar?: number;
  stoppedEarly: boolean;
  /** The epoch a resumed run started from (0 = fresh). */
  resumedFrom: number;
  history: EpochProgress[];
  seconds: number;
}

/** Training stopped by its AbortSignal; the checkpoint of the last finished epoch is kept for `resume`. */
export class TrainingInterruptedError extends TrainingError {}

interface LoopState {
  epoch: number;
  seed: number;
  bestEpoch: number;
  bestValUar: number | null;
  stale: number;
  stoppedEarly: boolean;
  history: EpochProgress[];
  rng: { kind: 'per-epoch'; seed: number; nextEpoch: number };
  /** Names and shapes of the weights, to refuse a checkpoint of another model. */
  signature: string;
}

/** Seed of the RNG of epoch `epoch` (0-based). */
export function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
}

function signatureOf(model: tf.LayersModel): string {
  return model.weights.map((w) => `${w.shape.join('x')}`).join(',');
}

function store(tensors: { name: string; tensor: tf.Tensor }[]): StoredTensor[] {
  return tensors.map(({ name, tensor }) => ({
    name,
    shape: [...tensor.shape],
    dtype: tensor.dtype === 'int32' ? 'int32' : 'float32',
    values: Float32Array.from(tensor.dataSync() as ArrayLike<number>),
  }));
}

function restore(stored: StoredTensor[]): tf.Tensor[] {
  return stored.map((t) => (t.dtype === 'int32' ? tf.tensor(Int32Array.from(t.values), t.shape, 'int32') : tf.tensor(t.values, t.shape, 'float32')));
}

function setModelWeights(model: tf.LayersModel, stored: StoredTensor[]): void {
  const tensors = restore(stored);
  model.setWeights(tensors);
  tf.dispose(tensors);
}

export async function trainModel(model: tf.LayersModel, data: TrainingSet, options: TrainLoopOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  ensureTrainingKernels();
  const n = data.x.length;
  if (n === 0) throw new TrainingError('trainModel: no training examples');
  if (data.y.length !== n) throw new TrainingError(`trainModel: ${n} examples but ${data.y.length} labels`);
  const inputShape = model.inputs[0]!.shape.slice(1) as number[];
  const size = inputShape.reduce((a, b) => a * b, 1);
  data.x.forEach((e, i) => {
    if (e.length !== size) throw new TrainingError(`trainModel: example ${i} has ${e.length} values, the model's input [${inputShape.join(', ')}] needs ${size}`);
  });
  const K = data.nClasses;
  const epochs = options.epochs ?? 100;
  const batchSize = Math.min(options.batchSize ?? 32, n);
  const l2 = options.l2 ?? 1e-4;
  const mixup = options.mixup ?? 0;
  const seed = options.seed ?? 0;
  const twoD = inputShape.length === 3 && inputShape[2] === 1;
  const spec = options.specAugment === false || !twoD ? undefined : (options.specAugment ?? {});
  const patience = options.earlyStopping === false || !data.validate ? Infinity : (options.earlyStopping?.patience ?? 15);
  const restoreBest = options.restoreBest ?? true;

  const counts = new Array<number>(K).fill(0);
  for (const c of data.y) {
    if (!Number.isInteger(c) || c < 0 || c >= K) throw new TrainingError(`trainModel: label ${c} is outside 0..${K - 1}`);
    counts[c]!++;
  }
  const present = counts.filter((c) => c > 0).length;
  const classWeight = counts.map((c) => (options.classWeights === false || c === 0 ? 1 : n / (present * c)));

  const kernels = model.trainableWeights.filter((w) => /kernel/.test(w.originalName ?? w.name));
  const dropouts = model.layers.filter((l) => l.getClassName() === 'Dropout') as (tf.layers.Layer & { seed?: number })[];
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const signature = signatureOf(model);

  let state: LoopState = {
    epoch: 0,
    seed,
    bestEpoch: 0,
    bestValUar: null,
    stale: 0,
    stoppedEarly: false,
    history: [],
    rng: { kind: 'per-epoch', seed, nextEpoch: 0 },
    signature,
  };
  let best: StoredTensor[] | undefined;
  let resumedFrom = 0;
  if (options.resume && options.checkpointDir) {
    const saved = await readCheckpoint<LoopState>(options.checkpointDir);
    if (saved) {
      if (saved.state.signature !== signature || saved.state.seed !== seed) {
        throw new TrainingError(`${options.checkpointDir}: the checkpoint belongs to another model or seed; use another checkpoint folder or drop --resume`);
      }
      state = saved.state;
      setModelWeights(model, saved.groups.weights ?? []);
      const opt = restore(saved.groups.optimizer ?? []);
      if (opt.length > 0) await optimizer.setWeights(opt.map((tensor, i) => ({ name: saved.groups.optimizer![i]!.name, tensor })));
      tf.dispose(opt);
      best = saved.groups.best;
      resumedFrom = state.epoch;
    }
  }

  const xBatch = new Float32Array(batchSize * size);
  const yBatch = new Float32Array(batchSize * K);
  const wBatch = new Float32Array(batchSize);
  const trainSeconds: number[] = state.history.map((h) => h.seconds);
  try {
    while (state.epoch < epochs && !state.stoppedEarly) {
      const epochStart = performance.now();
      const rng = createRng(epochSeed(seed, state.epoch));
      const order = rng.shuffle([...Array(n).keys()]);
      let lossSum = 0;
      let correct = 0;
      for (let start = 0; start < n; start += batchSize) {
        const idx = order.slice(start, start + batchSize);
        const b = idx.length;
        fillBatch(idx, data, size, K, classWeight, xBatch, yBatch, wBatch);
        if (spec) for (let i = 0; i < b; i++) specAugment(xBatch.subarray(i * size, (i + 1) * size), inputShape[0]!, inputShape[1]!, rng, spec);
        if (mixup > 0) mixBatch(b, size, K, mixup, rng, xBatch, yBatch, wBatch);
        // 1 + ...: tfjs reads a seed of 0 as "no seed" (Math.random).
        for (const d of dropouts) d.seed = 1 + rng.int(2 ** 31 - 1);
        const { loss, hits } = step(model, optimizer, kernels, l2, xBatch.subarray(0, b * size), yBatch.subarray(0, b * K), wBatch.subarray(0, b), inputShape);
        lossSum += loss * b;
        correct += hits;
        if (options.signal?.aborted) {
          throw new TrainingInterruptedError(`training interrupted in epoch ${state.epoch + 1}; resume from the checkpoint of epoch ${state.epoch}`);
        }
      }
      state.epoch++;
      state.rng.nextEpoch = state.epoch;
      let valUar: number | undefined;
      if (data.validate) {
        valUar = await data.validate(model);
        if (state.bestValUar === null || valUar > state.bestValUar) {
          state.bestValUar = valUar;
          state.bestEpoch = state.epoch;
          state.stale = 0;
          best = store(model.getWeights().map((tensor, i) => ({ name: `w${i}`, tensor })));
        } else if (++state.stale >= patience) {
          state.stoppedEarly = true;
        }
      } else {
        state.bestEpoch = state.epoch;
      }
      const seconds = (performance.now() - epochStart) / 1000;
      trainSeconds.push(seconds);
      const mean = trainSeconds.reduce((a, c) => a + c, 0) / trainSeconds.length;
      const progress: EpochProgress = {
        epoch: state.epoch,
        epochs,
        loss: lossSum / n,
        accuracy: correct / n,
        ...(valUar === undefined ? {} : { valUar }),
        seconds,
        etaSeconds: state.stoppedEarly ? 0 : mean * (epochs - state.epoch),
      };
      state.history.push(progress);
      if (options.checkpointDir) {
        const optWeights = await optimizer.getWeights();
        const optimizerState = store(optWeights);
        // getWeights() returns the live moment variables plus a fresh scalar for the iteration count: free that one.
        if (optWeights[0]?.name === 'iter') optWeights[0].tensor.dispose();
        await writeCheckpoint(options.checkpointDir, {
          state,
          groups: {
            weights: store(model.getWeights().map((tensor, i) => ({ name: `w${i}`, tensor }))),
            optimizer: optimizerState,
            ...(best ? { best } : {}),
          },
        });
      }
      options.onEpoch?.(progress);
    }
    if (data.validate && restoreBest && best && state.bestEpoch !== state.epoch) setModelWeights(model, best);
  } finally {
    optimizer.dispose();
  }
  return {
    epochs: state.epoch,
    bestEpoch: data.validate && restoreBest ? state.bestEpoch : state.epoch,
    ...(state.bestValUar === null ? {} : { bestValUar: state.bestValUar }),
    stoppedEarly: state.stoppedEarly,
    resumedFrom,
    history: state.history,
    seconds: (performance.now() - started) / 1000,
  };
}

function fillBatch(idx: number[], data: TrainingSet, size: number, K: number, classWeight: number[], x: Float32Array, y: Float32Array, w: Float32Array): void {
  y.fill(0);
  idx.forEach((e, i) => {
    x.set(data.x[e]!, i * size);
    const c = data.y[e]!;
    y[i * K + c] = 1;
    w[i] = classWeight[c]!;
  });
}

/** Mixup: each example blends with another of the batch (a seeded permutation) by one Beta(alpha, alpha) weight. */
function mixBatch(b: number, size: number, K: number, alpha: number, rng: Rng, x: Float32Array, y: Float32Array, w: Float32Array): void {
  const lambda = betaSample(alpha, rng);
  const perm = rng.shuffle([...Array(b).keys()]);
  const x0 = x.slice(0, b * size);
  const y0 = y.slice(0, b * K);
  const w0 = w.slice(0, b);
  for (let i = 0; i < b; i++) {
    const j = perm[i]!;
    for (let k = 0; k < size; k++) x[i * size + k] = lambda * x0[i * size + k]! + (1 - lambda) * x0[j * size + k]!;
    for (let k = 0; k < K; k++) y[i * K + k] = lambda * y0[i * K + k]! + (1 - lambda) * y0[j * K + k]!;
    w[i] = lambda * w0[i]! + (1 - lambda) * w0[j]!;
  }
}

function step(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  kernels: tf.LayerVariable[],
  l2: number,
  xBatch: Float32Array,
  yBatch: Float32Array,
  wBatch: Float32Array,
  inputShape: number[],
): { loss: number; hits: number } {
  const b = wBatch.length;
  let hits = 0;
  const loss = tf.tidy(() => {
    const xs = tf.tensor(xBatch, [b, ...inputShape], 'float32');
    const ys = tf.tensor2d(yBatch, [b, yBatch.length / b]);
    const ws = tf.tensor1d(wBatch);
    const cost = optimizer.minimize(
      () => {
        const p = model.apply(xs, { training: true }) as tf.Tensor2D;
        hits = (tf.equal(tf.argMax(p, -1), tf.argMax(ys, -1)).sum().dataSync()[0] as number) ?? 0;
        const ce = tf.neg(tf.sum(tf.mul(ys, tf.log(tf.clipByValue(p, 1e-7, 1))), -1));
        let total = tf.mean(tf.mul(ce, ws)) as tf.Scalar;
        if (l2 > 0 && kernels.length > 0) total = tf.add(total, tf.mul(l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k.read())))))) as tf.Scalar;
        return total;
      },
      true,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    return cost!.dataSync()[0]!;
  });
  return { loss, hits };
}
