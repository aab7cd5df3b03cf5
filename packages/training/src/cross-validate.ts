/**
 * Cross-validation of a classifier over a protocol's folds: the scaler (and the model's own tuning) sees only the
 * training fold; test rows are touched once, to predict.
 */
import { EMOTIONS, computeMetrics, protocolFolds, summarizeFolds, type CrossValidationSummary, type Matrix, type Metrics, type ProtocolName } from '@ser/core';
import { TrainingError, predictClasses, type Classifier, type FitContext } from './classifier.js';
import { createClassifier, type ClassicalModelName } from './models/index.js';
import { StandardScaler, speakerScalers } from './scaler.js';

/** Utterance-level features with the two labels a protocol needs. */
export interface LabelledRows {
  x: Float32Array[];
  speakers: string[];
  emotions: string[];
  /**
   * Log-mel matrix (bands x frames) of each utterance, for models whose `inputKind` is "logmel" (vgg2d, resatt2d):
   * they receive `matrices[i].data` unscaled and normalise it themselves.
   */
  matrices?: Matrix[];
  /**
   * Augmented copies of utterances (e.g. from augmentDataset): copy j of utterance `source[j]` joins the training
   * fold exactly when its source does, never a test fold. `x` for row models, `matrices` for log-mel ones.
   */
  augmented?: { source: number[]; x?: Float32Array[]; matrices?: Matrix[] };
}

/** What a classifier takes: classic193 rows (scaled here), or per-utterance log-mel matrices (its own normalisation). */
export type InputKind = 'rows' | 'logmel';

export function inputKindOf(model: Classifier): InputKind {
  return (model as Partial<{ inputKind: InputKind }>).inputKind ?? 'rows';
}

export interface CrossValidateOptions {
  protocol: ProtocolName;
  /** A classical model by name, or a factory for any Classifier. */
  model: ClassicalModelName | ((seed: number) => Classifier);
  /** Seeds the random split and the model. Default 0. */
  seed?: number;
  /** Folds of speaker-kfold. Default 5. */
  k?: number;
  /** Standardise each speaker's rows with that speaker's own statistics first (reported as its own row). */
  speakerNorm?: boolean;
  /** After each fold, with its figures. */
  onFold?: (done: number, total: number, foldName: string, report: FoldReport) => void;
}

export interface FoldReport {
  name: string;
  testSpeakers: string[];
  nTrain: number;
  nTest: number;
  metrics: Metrics;
  /** Hyper-parameters the model chose on this fold's training rows. */
  params: Record<string, unknown>;
}

export interface EvaluationResult {
  model: string;
  protocol: ProtocolName;
  /** Printed with every figure, e.g. "random 80/20, stratified (speaker-dependent)". */
  protocolLabel: string;
  speakerIndependent: boolean;
  speakerNorm: boolean;
  seed: number;
  labels: string[];
  summary: CrossValidationSummary;
  folds: FoldReport[];
  seconds: number;
}

/** The emotions present, in the canonical order (the order confusion matrices use). */
export function labelsOf(emotions: readonly string[]): string[] {
  const present = new Set(emotions);
  const canonical = (EMOTIONS as readonly string[]).filter((e) => present.has(e));
  const others = [...present].filter((e) => !(EMOTIONS as readonly string[]).includes(e)).sort();
  return [...canonical, ...others];
}

export async function crossValidate(data: LabelledRows, options: CrossValidateOptions): Promise<EvaluationResult> {
  const started = performance.now();
  // Log-mel-only data may leave x empty; its matrices then count the utterances.
  const n = data.x.length > 0 ? data.x.length : (data.matrices?.length ?? 0);
  if (n === 0) throw new TrainingError('crossValidate: no rows to evaluate');
  if (data.speakers.length !== n || data.emotions.length !== n) {
    throw new TrainingError(`crossValidate: ${n} rows but ${data.speakers.length} speakers and ${data.emotions.length} emotions`);
  }
  const seed = options.seed ?? 0;
  const labels = labelsOf(data.emotions);
  const classOf = new Map(labels.map((l, i) => [l, i]));
  const scalers = options.speakerNorm && data.x.length > 0 ? speakerScalers(data.x, data.speakers) : undefined;
  const x = scalers ? data.x.map((row, i) => scalers.get(data.speakers[i]!)!.transformRow(row)) : data.x;
  const rows = data.speakers.map((speaker, i) => ({ i, speaker, emotion: data.emotions[i]! }));
  const plan = protocolFolds(rows, options.protocol, { seed, ...(options.k !== undefined ? { k: options.k } : {}) });
  const factory = typeof options.model === 'function' ? options.model : (s: number) => createClassifier(options.model as ClassicalModelName, s);

  const folds: FoldReport[] = [];
  let modelName = '';
  for (const [f, fold] of plan.folds.entries()) {
    const model = factory(seed + f);
    modelName = model.name;
    try {
      const kind = inputKindOf(model);
      const trainY = fold.train.map((r) => classOf.get(r.emotion)!);
      const groups = fold.train.map((r) => r.speaker);
      const extra = augmentedRows(data, kind, new Set(fold.train.map((r) => r.i)), scalers);
      let trainX: Float32Array[];
      let testX: Float32Array[];
      if (kind === 'logmel') {
        if (!data.matrices || data.matrices.length !== n) {
          throw new TrainingError(`crossValidate: model "${model.name}" takes log-mel matrices; give data.matrices (one per utterance, from the logmel preset)`);
        }
        if (options.speakerNorm) throw new TrainingError(`crossValidate: speakerNorm applies to classic193 rows, not to the log-mel model "${model.name}"`);
        const m = data.matrices;
        trainX = [...fold.train.map((r) => m[r.i]!.data), ...extra.x];
        testX = fold.test.map((r) => m[r.i]!.data);
      } else {
        if (x.length !== n) throw new TrainingError(`crossValidate: model "${model.name}" takes classic193 rows; data.x is empty`);
        const scaler = new StandardScaler();
        trainX = scaler.fitTransform(fold.train.map((r) => x[r.i]!));
        testX = scaler.transform(fold.test.map((r) => x[r.i]!));
        if (extra.x.length > 0) trainX.push(...scaler.transform(extra.x));
      }
      const context: FitContext & { augmented?: boolean[] } = {
        nClasses: labels.length,
        groups: [...groups, ...extra.source.map((i) => data.speakers[i]!)],
      };
      if (extra.source.length > 0) context.augmented = [...groups.map(() => false), ...extra.source.map(() => true)];
      await model.fit(trainX, [...trainY, ...extra.source.map((i) => classOf.get(data.emotions[i]!)!)], context);
      const predicted = await predictClasses(model, testX);
      folds.push({
        name: fold.name,
        testSpeakers: fold.testSpeakers,
        nTrain: fold.train.length,
        nTest: fold.test.length,
        metrics: computeMetrics(fold.test.map((r) => r.emotion), predicted.map((k) => labels[k]!), labels),
        params: { ...model.params },
      });
    } finally {
      model.dispose?.();
    }
    options.onFold?.(f + 1, plan.folds.length, fold.name, folds[folds.length - 1]!);
  }
  return {
    model: modelName,
    protocol: options.protocol,
    protocolLabel: plan.label + (options.speakerNorm ? ', per-speaker standardisation' : ''),
    speakerIndependent: plan.speakerIndependent,
    speakerNorm: Boolean(options.speakerNorm),
    seed,
    labels,
    summary: summarizeFolds(folds.map((f) => ({ name: f.name, metrics: f.metrics }))),
    folds,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The augmented copies whose source utterance is in the training fold; with per-speaker standardisation, each is
 * standardised with its source speaker's statistics (those of the real recordings).
 */
function augmentedRows(data: LabelledRows, kind: InputKind, train: Set<number>, scalers?: Map<string, StandardScaler>): { x: Float32Array[]; source: number[] } {
  const a = data.augmented;
  if (!a || a.source.length === 0) return { x: [], source: [] };
  const values = kind === 'logmel' ? a.matrices?.map((m) => m.data) : a.x;
  if (!values || values.length !== a.source.length) {
    throw new TrainingError(`crossValidate: data.augmented has ${a.source.length} sources but no ${kind === 'logmel' ? 'matrices' : 'x'} of that length`);
  }
  const x: Float32Array[] = [];
  const source: number[] = [];
  a.source.forEach((s, j) => {
    if (train.has(s)) {
      const scaler = kind === 'logmel' ? undefined : scalers?.get(data.speakers[s]!);
      x.push(scaler ? scaler.transformRow(values[j]!) : values[j]!);
      source.push(s);
    }
  });
  return { x, source };
}
