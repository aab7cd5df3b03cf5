/**
 * Deep models behind the `Classifier` interface, so crossValidate evaluates them beside the classical ones.
 *
 * Row models (dnn, cnn1d) take classic193 rows. Log-mel models (vgg2d, resatt2d) take one log-mel matrix per
 * utterance, passed through the same interface as its `Matrix.data` (bands x frames, row-major, librosa's
 * orientation; frames = length / bands): they normalise it, cut windows with cutWindows, train on windows labelled
 * with their utterance's emotion, and score an utterance by the mean of its windows' probabilities.
 */
import { createRng, cutWindows, normalizeFeatures, normalizeUtterance, type Matrix, type Normalization, type PresetName, type VectorPresetName, type WindowSpec } from '@ser/core';
import { TrainingError, argmax, type Classifier, type FitContext, type Rows } from '../classifier.js';
import { StandardScaler } from '../scaler.js';
import { initTf, tf } from '../tf-backend.js';
import { architectureInput, buildArchitecture, buildEnsemble, type ArchitectureOptions, type DeepArchitecture } from './architectures.js';
import { trainModel, type TrainLoopOptions, type TrainResult } from './train.js';

export interface ValidationOptions {
  /** Training speakers held out for validation (early stopping, best weights). Default: 15% of them, at least 1. */
  speakers?: number;
  /** Fraction of training speakers (or of utterances when no speakers are given). Default 0.15. */
  fraction?: number;
}

export interface DeepClassifierOptions extends TrainLoopOptions, Pick<ArchitectureOptions, 'dropout' | 'widths' | 'convsPerBlock' | 'denseUnits'> {
  architecture: DeepArchitecture;
  /** Row models: which utterance vector the rows are (recorded in the model card). Default classic193. */
  preset?: VectorPresetName;
  /** Log-mel models: mel bands of the input matrices. Default 128. */
  bands?: number;
  /** Log-mel models: windows cut from each utterance. Default { frames: 128, hop: 64 } (1.28 s at a 10 ms hop). */
  window?: WindowSpec;
  /**
   * `utterance` (log-mel default): each utterance's matrix to zero mean, unit variance before cutting;
   * `feature` (row default): per feature (classic193 value / mel band) statistics of the training examples;
   * `none`.
   */
  normalization?: 'utterance' | 'feature' | 'none';
  /** Validation split carved from the training speakers only, or false for none (no early stopping). */
  validation?: ValidationOptions | false;
  /**
   * Networks trained with different seeds (initial weights, batches, and validation speakers), whose probabilities
   * are averaged: one exported graph (buildEnsemble). Default 1. Averaging cancels much of the run-to-run variance
   * a single network shows on a small corpus.
   */
  ensemble?: number;
}

/** Seed of ensemble member m (member 0 keeps the classifier's seed, so an ensemble of one is the plain network). */
export function memberSeed(seed: number, m: number): number {
  return seed + m * 7919;
}

/** The seed's recipe: 500 epochs, no validation split, no early stopping, the final weights. */
export const SEED_RECIPE: Partial<DeepClassifierOptions> = { epochs: 500, validation: false, earlyStopping: false };

/** Extra, optional fit context crossValidate passes: which training rows are augmented copies. */
export interface DeepFitContext extends FitContext {
  /** True for a row that is an augmented copy (never used for validation). */
  augmented?: readonly boolean[];
}

/** What a model card needs from a trained deep classifier. */
export interface DeepModelInfo {
  architecture: DeepArchitecture;
  preset: PresetName;
  /** Log-mel models only. */
  window?: WindowSpec;
  /** How the classifier's inputs are standardised before the network (log-mel `feature`: per band, after cutting). */
  normalization: Normalization;
  /** One example's tensor shape without the batch axis. */
  inputShape: number[];
  nClasses: number;
  backend: string;
  training: TrainResult & { validationSpeakers: string[]; trainExamples: number; validationUtterances: number };
  /** Ensembles: each member's training (the first is `training`). */
  members?: (TrainResult & { seed: number; validationSpeakers: string[] })[];
}

export class DeepClassifier implements Classifier {
  readonly name: string;
  readonly params: Record<string, unknown>;
  readonly inputKind: 'rows' | 'logmel';
  readonly options: DeepClassifierOptions;
  #model: tf.LayersModel | undefined;
  #normalization: Normalization = { kind: 'none' };
  #info: DeepModelInfo | undefined;
  #width = 0;

  constructor(options: DeepClassifierOptions) {
    this.options = { ...options };
    this.name = options.architecture;
    this.inputKind = architectureInput(options.architecture);
    const { signal: _s, onEpoch: _o, epochs, ...rest } = options;
    // `epochs` in params is what training ran (as the classical mlp reports it); the ceiling is `maxEpochs`.
    this.params = { ...rest, maxEpochs: epochs ?? 100 };
  }

  get bands(): number {
    return this.options.bands ?? 128;
  }

  get window(): WindowSpec {
    return this.options.window ?? { frames: 128, hop: 64 };
  }

  /** The trained tfjs model (for ONNX export). */
  get model(): tf.LayersModel {
    if (!this.#model) throw new TrainingError(`${this.name}: no model before fit`);
    return this.#model;
  }

  /** Everything a model card needs; available after fit. */
  info(): DeepModelInfo {
    if (!this.#info) throw new TrainingError(`${this.name}: info() before fit`);
    return this.#info;
  }

  async fit(x: Rows, y: readonly number[], context: DeepFitContext): Promise<void> {
    const backend = await initTf();
    if (x.length === 0) throw new TrainingError(`${this.name}.fit: no rows`);
    if (y.length !== x.length) throw new TrainingError(`${this.name}.fit: ${x.length} rows but ${y.length} labels`);
    this.dispose();
    const seed = this.options.seed ?? 0;
    const { trainIdx, valIdx, valSpeakers } = carveValidation(x.length, y, context, this.options.validation ?? {}, seed);
    const kind = this.options.normalization ?? (this.inputKind === 'logmel' ? 'utterance' : 'feature');

    let inputShape: number[];
    let toExamples: (rows: Rows) => { examples: Float32Array[]; owner: number[] };
    if (this.inputKind === 'rows') {
      this.#width = x[0]!.length;
      x.forEach((r, i) => {
        if (r.length !== this.#width) throw new TrainingError(`${this.name}.fit: row ${i} has ${r.length} features, expected ${this.#width}`);
      });
      inputShape = [this.#width];
      if (kind === 'feature') {
        const scaler = new StandardScaler().fit(trainIdx.map((i) => x[i]!));
        this.#normalization = { kind: 'feature', mean: Array.from(scaler.mean), std: Array.from(scaler.scale) };
      } else if (kind === 'none') {
        this.#normalization = { kind: 'none' };
      } else {
        throw new TrainingError(`${this.name}: utterance normalization is for log-mel models; use feature or none`);
      }
      toExamples = (rows) => ({ examples: rows.map((r) => this.#normalize(Float32Array.from(r))), owner: rows.map((_, i) => i) });
    } else {
      const { frames } = this.window;
      inputShape = [frames, this.bands, 1];
      if (kind === 'feature') {
        const stats = bandStatistics(trainIdx.flatMap((i) => cutWindows(this.#matrix(x[i]!, i), this.window)), this.bands);
        this.#normalization = { kind: 'feature', ...stats };
      } else {
        this.#normalization = { kind };
      }
      toExamples = (rows) => this.#windows(rows);
    }
    const members = this.options.ensemble ?? 1;
    if (!Number.isInteger(members) || members < 1 || members > 32) throw new TrainingError(`${this.name}: ensemble must be an integer from 1 to 32, got ${members}`);
    const archOptions: ArchitectureOptions = {
      inputShape,
      nClasses: context.nClasses,
      seed,
      ...(this.options.dropout === undefined ? {} : { dropout: this.options.dropout }),
      ...(this.options.widths === undefined ? {} : { widths: this.options.widths }),
      ...(this.options.convsPerBlock === undefined ? {} : { convsPerBlock: this.options.convsPerBlock }),
      ...(this.options.denseUnits === undefined ? {} : { denseUnits: this.options.denseUnits }),
    };
    const nets: tf.LayersModel[] = [];
    const trained: { result: TrainResult; seed: number; valSpeakers: string[]; trainExamples: number; valUtterances: number }[] = [];
    try {
      for (let m = 0; m < members; m++) {
        const mSeed = memberSeed(seed, m);
        // Member 0 uses the split the normalisation was fitted on; the others hold out other speakers.
        const split = m === 0 ? { trainIdx, valIdx, valSpeakers } : carveValidation(x.length, y, context, this.options.validation ?? {}, mSeed);
        const train = toExamples(split.trainIdx.map((i) => x[i]!));
        const trainY = train.owner.map((o) => y[split.trainIdx[o]!]!);
        const net = buildArchitecture(this.options.architecture, { ...archOptions, seed: mSeed });
        nets.push(net);
        const valRows = split.valIdx.map((i) => x[i]!);
        const valY = split.valIdx.map((i) => y[i]!);
        const validate =
          split.valIdx.length > 0
            ? (candidate: tf.LayersModel) => {
                const proba = this.#predictWith(candidate, valRows);
                return Promise.resolve(uar(valY, proba.map(argmax), context.nClasses));
              }
            : undefined;
        const checkpointDir = this.options.checkpointDir && members > 1 ? `${this.options.checkpointDir}/member-${m + 1}` : this.options.checkpointDir;
        const result = await trainModel(
          net,
          { x: train.examples, y: trainY, nClasses: context.nClasses, ...(validate ? { validate } : {}) },
          { ...this.options, seed: mSeed, ...(checkpointDir ? { checkpointDir } : {}) },
        );
        trained.push({ result, seed: mSeed, valSpeakers: split.valSpeakers, trainExamples: train.examples.length, valUtterances: split.valIdx.length });
      }
      this.#model = members === 1 ? nets[0]! : buildEnsemble(this.options.architecture, archOptions, nets);
    } finally {
      // An ensemble copied its members' weights into its own graph; a failed fit keeps nothing.
      if (members > 1 || !this.#model) for (const net of nets) net.dispose();
    }
    const first = trained[0]!;
    this.#info = {
      architecture: this.options.architecture,
      preset: this.inputKind === 'rows' ? (this.options.preset ?? 'classic193') : 'logmel',
      ...(this.inputKind === 'logmel' ? { window: this.window } : {}),
      normalization: this.#normalization,
      inputShape,
      nClasses: context.nClasses,
      backend,
      training: { ...first.result, validationSpeakers: first.valSpeakers, trainExamples: first.trainExamples, validationUtterances: first.valUtterances },
      ...(members > 1 ? { members: trained.map((t) => ({ ...t.result, seed: t.seed, validationSpeakers: t.valSpeakers })) } : {}),
    };
    const result = first.result;
    Object.assign(this.params, {
      backend,
      epochs: members > 1 ? trained.map((t) => t.result.epochs) : result.epochs,
      bestEpoch: members > 1 ? trained.map((t) => t.result.bestEpoch) : result.bestEpoch,
      ...(result.bestValUar === undefined ? {} : { valUar: members > 1 ? trained.map((t) => t.result.bestValUar) : result.bestValUar }),
      validationSpeakers: members > 1 ? trained.map((t) => t.valSpeakers) : first.valSpeakers,
    });
  }

  predictProba(x: Rows): Promise<number[][]> {
    return Promise.resolve(this.#predictWith(this.model, x));
  }

  dispose(): void {
    this.#model?.dispose();
    this.#model = undefined;
  }

  #matrix(row: Float32Array, i: number): Matrix {
    const bands = this.bands;
    if (row.length === 0 || row.length % bands !== 0) {
      throw new TrainingError(`${this.name}: utterance ${i} has ${row.length} values, not a whole number of ${bands}-band frames; pass log-mel Matrix.data (bands x frames)`);
    }
    return { data: row, rows: bands, cols: row.length / bands };
  }

  #normalize(example: Float32Array): Float32Array {
    return this.#normalization.kind === 'feature' ? normalizeFeatures(example, this.#normalization) : example;
  }

  /** Windows of each utterance, normalised as at training; `owner[k]` is the utterance of window k. */
  #windows(rows: Rows): { examples: Float32Array[]; owner: number[] } {
    const examples: Float32Array[] = [];
    const owner: number[] = [];
    rows.forEach((row, i) => {
      let m = this.#matrix(row, i);
      if (this.#normalization.kind === 'utterance') m = { ...m, data: normalizeUtterance(Float32Array.from(m.data)) };
      for (const w of cutWindows(m, this.window)) {
        examples.push(this.#normalize(w));
        owner.push(i);
      }
    });
    return { examples, owner };
  }

  #predictWith(model: tf.LayersModel, x: Rows): number[][] {
    if (x.length === 0) return [];
    let examples: Float32Array[];
    let owner: number[];
    if (this.inputKind === 'rows') {
      x.forEach((r, i) => {
        if (r.length !== this.#width) throw new TrainingError(`${this.name}.predict: row ${i} has ${r.length} features, expected ${this.#width}`);
      });
      examples = x.map((r) => this.#normalize(Float32Array.from(r)));
      owner = x.map((_, i) => i);
    } else {
      ({ examples, owner } = this.#windows(x));
    }
    const shape = model.inputs[0]!.shape.slice(1) as number[];
    const size = examples[0]!.length;
    const K = (model.outputs[0]!.shape[1] as number) ?? 0;
    const sums = x.map(() => new Float64Array(K));
    const counts = new Array<number>(x.length).fill(0);
    const chunk = 64;
    for (let s = 0; s < examples.length; s += chunk) {
      const part = examples.slice(s, s + chunk);
      const flat = new Float32Array(part.length * size);
      part.forEach((e, i) => flat.set(e, i * size));
      const out = tf.tidy(() => model.predict(tf.tensor(flat, [part.length, ...shape], 'float32')) as tf.Tensor);
      const values = out.dataSync();
      out.dispose();
      part.forEach((_, i) => {
        const u = owner[s + i]!;
        counts[u]!++;
        for (let k = 0; k < K; k++) sums[u]![k]! += values[i * K + k]!;
      });
    }
    return sums.map((p, u) => Array.from(p, (v) => v / counts[u]!));
  }
}

/** A fresh deep classifier of `architecture`; options override the defaults (documented in the README). */
export function createDeepClassifier(architecture: DeepArchitecture, seed = 0, options: Partial<DeepClassifierOptions> = {}): DeepClassifier {
  return new DeepClassifier({ ...options, architecture, seed });
}

/** Per-band mean and population std over time-major windows (the band is the last axis). */
function bandStatistics(windows: Float32Array[], bands: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(bands);
  const sq = new Float64Array(bands);
  let count = 0;
  for (const w of windows) {
    for (let i = 0; i < w.length; i++) {
      const b = i % bands;
      sum[b]! += w[i]!;
      sq[b]! += w[i]! * w[i]!;
    }
    count += w.length / bands;
  }
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sq, (s, b) => {
    const v = Math.sqrt(Math.max(0, s / count - mean[b]! ** 2));
    return v > 1e-6 ? v : 1;
  });
  return { mean, std };
}

/** Unweighted average recall over the classes present in `truth`. */
export function uar(truth: readonly number[], predicted: readonly number[], nClasses: number): number {
  const hit = new Array<number>(nClasses).fill(0);
  const total = new Array<number>(nClasses).fill(0);
  truth.forEach((t, i) => {
    total[t]!++;
    if (predicted[i] === t) hit[t]!++;
  });
  const recalls = total.flatMap((n, k) => (n > 0 ? [hit[k]! / n] : []));
  return recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : 0;
}

/**
 * Splits training rows into fit and validation rows. With speakers: whole training speakers are held out (seeded
 * choice; 15% by default, at least 1, only when at least 3 speakers train), and augmented copies of their
 * utterances are dropped; without speakers: a seeded 15% of the original utterances.
 */
export function carveValidation(
  n: number,
  y: readonly number[],
  context: DeepFitContext,
  options: ValidationOptions | false,
  seed: number,
): { trainIdx: number[]; valIdx: number[]; valSpeakers: string[] } {
  const all = [...Array(n).keys()];
  if (options === false) return { trainIdx: all, valIdx: [], valSpeakers: [] };
  const augmented = context.augmented ?? [];
  const rng = createRng((seed ^ 0x2c1b3c6d) >>> 0);
  const fraction = options.fraction ?? 0.15;
  if (context.groups && context.groups.length === n) {
    const speakers = [...new Set(context.groups)].sort();
    if (speakers.length < 3) return { trainIdx: all, valIdx: [], valSpeakers: [] };
    const count = Math.min(speakers.length - 2, Math.max(1, options.speakers ?? Math.round(fraction * speakers.length)));
    const held = new Set(rng.shuffle([...speakers]).slice(0, count));
    const trainIdx = all.filter((i) => !held.has(context.groups![i]!));
    const valIdx = all.filter((i) => held.has(context.groups![i]!) && !augmented[i]);
    return { trainIdx, valIdx, valSpeakers: [...held].sort() };
  }
  if (augmented.some(Boolean)) throw new TrainingError('augmented rows need speakers (groups) so that no copy of a validation utterance trains');
  const byClass = new Map<number, number[]>();
  all.forEach((i) => byClass.set(y[i]!, [...(byClass.get(y[i]!) ?? []), i]));
  const val = new Set<number>();
  for (const rows of byClass.values()) for (const i of rng.shuffle(rows).slice(0, Math.round(fraction * rows.length))) val.add(i);
  if (val.size === 0 || val.size === n) return { trainIdx: all, valIdx: [], valSpeakers: [] };
  return { trainIdx: all.filter((i) => !val.has(i)), valIdx: [...val].sort((a, b) => a - b), valSpeakers: [] };
}
