/**
 * Cross-validation of a classifier over a protocol's folds: the scaler (and the model's own tuning) sees only the
 * training fold; test rows are touched once, to predict.
 */
import { EMOTIONS, computeMetrics, protocolFolds, summarizeFolds, type CrossValidationSummary, type Metrics, type ProtocolName } from '@ser/core';
import { TrainingError, predictClasses, type Classifier } from './classifier.js';
import { createClassifier, type ClassicalModelName } from './models/index.js';
import { StandardScaler, standardizePerSpeaker } from './scaler.js';

/** Utterance-level features with the two labels a protocol needs. */
export interface LabelledRows {
  x: Float32Array[];
  speakers: string[];
  emotions: string[];
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
  onFold?: (done: number, total: number, foldName: string) => void;
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
  const n = data.x.length;
  if (n === 0) throw new TrainingError('crossValidate: no rows to evaluate');
  if (data.speakers.length !== n || data.emotions.length !== n) {
    throw new TrainingError(`crossValidate: ${n} rows but ${data.speakers.length} speakers and ${data.emotions.length} emotions`);
  }
  const seed = options.seed ?? 0;
  const labels = labelsOf(data.emotions);
  const classOf = new Map(labels.map((l, i) => [l, i]));
  const x = options.speakerNorm ? standardizePerSpeaker(data.x, data.speakers) : data.x;
  const rows = x.map((row, i) => ({ i, speaker: data.speakers[i]!, emotion: data.emotions[i]! }));
  const plan = protocolFolds(rows, options.protocol, { seed, ...(options.k !== undefined ? { k: options.k } : {}) });
  const factory = typeof options.model === 'function' ? options.model : (s: number) => createClassifier(options.model as ClassicalModelName, s);

  const folds: FoldReport[] = [];
  let modelName = '';
  for (const [f, fold] of plan.folds.entries()) {
    const model = factory(seed + f);
    modelName = model.name;
    try {
      const scaler = new StandardScaler();
      const trainX = scaler.fitTransform(fold.train.map((r) => x[r.i]!));
      const testX = scaler.transform(fold.test.map((r) => x[r.i]!));
      await model.fit(trainX, fold.train.map((r) => classOf.get(r.emotion)!), {
        nClasses: labels.length,
        groups: fold.train.map((r) => r.speaker),
      });
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
    options.onFold?.(f + 1, plan.folds.length, fold.name);
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
