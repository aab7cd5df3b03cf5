import { SerError } from '../errors.js';

/** Counts of (true label, predicted label): `counts[t][p]`, rows and columns in `labels` order. */
export interface ConfusionMatrix {
  labels: string[];
  counts: number[][];
}

export interface ClassMetrics {
  label: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Metrics {
  accuracy: number;
  /** Unweighted average recall: the mean of per-class recalls, so a majority class cannot carry the score. */
  uar: number;
  macroF1: number;
  perClass: ClassMetrics[];
  confusion: ConfusionMatrix;
  n: number;
}

export class MetricsError extends SerError {}

/** Builds a confusion matrix; a label outside `labels` is an error, never silently dropped. */
export function confusionMatrix(truth: readonly string[], predicted: readonly string[], labels: readonly string[]): ConfusionMatrix {
  if (truth.length !== predicted.length) {
    throw new MetricsError(`truth has ${truth.length} labels but predictions have ${predicted.length}`);
  }
  const index = new Map(labels.map((l, i) => [l, i]));
  if (index.size !== labels.length) throw new MetricsError(`duplicate labels in ${labels.join(', ')}`);
  const counts = labels.map(() => labels.map(() => 0));
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    const ti = index.get(t);
    const pi = index.get(p);
    if (ti === undefined || pi === undefined) {
      throw new MetricsError(`label "${ti === undefined ? t : p}" at position ${i} is not one of ${labels.join(', ')}`);
    }
    counts[ti]![pi]!++;
  });
  return { labels: [...labels], counts };
}

/** Element-wise sum of confusion matrices over the same labels: the pooled result of several folds. */
export function poolConfusions(matrices: readonly ConfusionMatrix[]): ConfusionMatrix {
  const first = matrices[0];
  if (!first) throw new MetricsError('no confusion matrices to pool');
  const key = first.labels.join('\u0000');
  if (matrices.some((m) => m.labels.join('\u0000') !== key)) throw new MetricsError('cannot pool confusion matrices over different labels');
  return {
    labels: [...first.labels],
    counts: first.labels.map((_, t) => first.labels.map((_, p) => matrices.reduce((s, m) => s + m.counts[t]![p]!, 0))),
  };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/**
 * Accuracy, UAR, macro F1 and per-class precision/recall/F1 from a confusion matrix. Classes absent from the truth
 * (support 0) are left out of UAR and macro F1, as scikit-learn's recall would warn and zero them otherwise; a
 * precision with no predictions of that class counts as 0 (scikit-learn's zero_division=0).
 */
export function metricsFromConfusion(cm: ConfusionMatrix): Metrics {
  const k = cm.labels.length;
  const n = cm.counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  let correct = 0;
  const perClass: ClassMetrics[] = cm.labels.map((label, c) => {
    const tp = cm.counts[c]![c]!;
    correct += tp;
    const support = cm.counts[c]!.reduce((a, b) => a + b, 0);
    let predictedAs = 0;
    for (let t = 0; t < k; t++) predictedAs += cm.counts[t]![c]!;
    const precision = ratio(tp, predictedAs);
    const recall = ratio(tp, support);
    return { label, support, precision, recall, f1: ratio(2 * precision * recall, precision + recall) };
  });
  const present = perClass.filter((c) => c.support > 0);
  return {
    accuracy: ratio(correct, n),
    uar: ratio(present.reduce((s, c) => s + c.recall, 0), present.length),
    macroF1: ratio(present.reduce((s, c) => s + c.f1, 0), present.length),
    perClass,
    confusion: cm,
    n,
  };
}

export function computeMetrics(truth: readonly string[], predicted: readonly string[], labels: readonly string[]): Metrics {
  return metricsFromConfusion(confusionMatrix(truth, predicted, labels));
}

export interface MeanStd {
  mean: number;
  std: number;
}

/** Mean and population standard deviation (numpy's default ddof=0) of a list of fold scores. */
export function meanStd(values: readonly number[]): MeanStd {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

export interface FoldResult {
  name: string;
  metrics: Metrics;
}

export interface CrossValidationSummary {
  /** Metrics of all test predictions together (the usual headline figure). */
  pooled: Metrics;
  /** Across folds: how much the figure moves with the held-out speakers. */
  acrossFolds: { accuracy: MeanStd; uar: MeanStd; macroF1: MeanStd };
  folds: FoldResult[];
}

export function summarizeFolds(folds: readonly FoldResult[]): CrossValidationSummary {
  return {
    pooled: metricsFromConfusion(poolConfusions(folds.map((f) => f.metrics.confusion))),
    acrossFolds: {
      accuracy: meanStd(folds.map((f) => f.metrics.accuracy)),
      uar: meanStd(folds.map((f) => f.metrics.uar)),
      macroF1: meanStd(folds.map((f) => f.metrics.macroF1)),
    },
    folds: [...folds],
  };
}
