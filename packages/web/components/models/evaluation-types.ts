/**
 * The evaluation figures the model pages draw, as plain serialisable data (server components read them from disk and
 * hand them to client charts): the parts of a model card's `training` and of `ser compare`'s report.json they use.
 */
import type { EvaluationEntry } from '../../lib/api-types';

export interface MeanStd {
  mean: number;
  std: number;
}

export interface Confusion {
  /** Rows are the true emotion, columns the predicted one, both in `labels` order. */
  labels: string[];
  counts: number[][];
}

/** One corpus' cross-validation of the model in its card (`ser train --runs N`). */
export interface CardCrossValidation {
  corpus: string;
  protocol: string;
  runs: number;
  uar: MeanStd;
  accuracy: MeanStd;
  perFold: { name: string; testSpeakers: string[]; uar: MeanStd & { values: number[] } }[];
  confusion?: Confusion;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valUar?: number;
}

/** One row of report.json's `results` (`ser compare`): the fields the pages draw. */
export type ReportRow = Pick<
  EvaluationEntry,
  'corpus' | 'model' | 'protocol' | 'protocolLabel' | 'speakerIndependent' | 'speakerNorm' | 'uar' | 'accuracy' | 'macroF1' | 'n' | 'labels' | 'confusion' | 'perClass'
>;

/** report.json as a whole (GET /api/models/<name> answers only one architecture's part of it). */
export interface EvaluationReport {
  created: string;
  seed: number;
  preset: string;
  results: ReportRow[];
}

/**
 * Where the report was looked for (relative to the repository) and what was found, so a missing or broken one can be
 * explained on the page.
 */
export type ReportLookup = { kind: 'found'; path: string; report: EvaluationReport } | { kind: 'missing'; path: string } | { kind: 'broken'; path: string; error: string };

/** What the summary of a model and its page show. */
export interface ModelOverview {
  /** Folder name under models/: the URL of its page. */
  folder: string;
  card?: {
    name: string;
    architecture: string;
    description: string;
    labels: string[];
    input: { preset: string; sampleRate: number; shape: number[]; window?: { frames: number; hop: number } };
    normalization: string;
    backend: string;
    opset: number;
    createdAt: string;
    corpora: { name: string; files: number; speakers: number; licence: string }[];
    protocol: string;
    crossValidation: CardCrossValidation[];
    history: EpochRecord[];
    training: { epochs?: number; bestEpoch?: number; stoppedEarly?: boolean; seconds?: number; seed?: number; onnxParity?: { examples: number; maxAbsDiff: number; tolerance: number } };
  };
  /** model.onnx in bytes. */
  bytes?: number;
  /** Why the folder could not be read as a model. */
  error?: string;
}

/** Readable names for the short model names `ser compare` and `ser train` use. */
export const MODEL_NAMES: Record<string, string> = {
  dt: 'decision tree',
  rf: 'random forest',
  svm: 'SVM (RBF)',
  mlp: 'MLP',
  dnn: 'dnn',
  cnn1d: 'cnn1d',
  vgg2d: 'vgg2d (log-mel)',
  resatt2d: 'resatt2d (log-mel)',
};

export function modelName(short: string): string {
  return MODEL_NAMES[short] ?? short;
}

/** A protocol as the charts label it, always saying whether speakers were kept apart. */
export function protocolName(label: string, speakerNorm = false): string {
  return `${label}${speakerNorm ? ' + per-speaker standardisation' : ''}`;
}
