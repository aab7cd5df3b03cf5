/**
 * The JSON the dashboard's API routes answer with, shared by the routes (server) and the pages (browser). A predict
 * result is exactly a line of `ser predict --json` (plus `duration` and `segments` when asked for).
 */
import type { ClassMetrics, MeanStd, ModelCard } from '@ser/core/browser';

/** One sliding window of a recording (seconds) and its own prediction. */
export interface SegmentResult {
  start: number;
  end: number;
  label: string;
  scores: Record<string, number>;
}

/** POST /api/predict: the same object as a line of `ser predict --json`. */
export interface PredictResult {
  file: string;
  label: string;
  scores: Record<string, number>;
  /** Seconds of audio; with `?segments=1`. */
  duration?: number;
  /** With `?segments=1` (3 s windows every 1 s). */
  segments?: SegmentResult[];
}

/** POST /api/analyse: everything the Analyse page draws, computed once on the server. */
export interface AnalyseResult extends PredictResult {
  duration: number;
  segments: SegmentResult[];
  /** The model's labels in output order (bars and legend order). */
  labels: string[];
  /** The model folder's name, e.g. "default". */
  model: string;
  /** Peak envelope of the waveform at the card's rate: `columns` pairs of min and max, each in [-1, 1]. */
  waveform: { columns: number; min: number[]; max: number[] };
  /**
   * The log-mel spectrogram the models see (128 bands), scaled to bytes: value 0 = `minDb`, 255 = `maxDb`.
   * `data` is base64 of `bands x frames` bytes, band-major, band 0 the lowest frequency; a frame every `hopSeconds`.
   */
  spectrogram: { bands: number; frames: number; hopSeconds: number; minDb: number; maxDb: number; data: string };
}

/** POST /api/batch: one entry per file (or zip member), in upload order. */
export interface BatchResult {
  labels: string[];
  results: (PredictResult | { file: string; error: string })[];
}

/** Every error answer: a status 4xx/5xx and one sentence saying what was wrong and what to do. */
export interface ApiError {
  error: string;
}

/** GET /api/models: one entry per model folder (`models/<name>/` with card.json and model.onnx), "default" first. */
export interface ModelSummary {
  /** The folder's name: `?model=<name>` for predict, analyse and batch. */
  name: string;
  card: ModelCard;
  /** Size of model.onnx, what GET /api/models/<name>/model.onnx downloads for in-browser inference. */
  bytes: number;
}

/**
 * One cross-validated run of `ser compare` (`npm run eval`, docs/eval/report.json): a model architecture on a corpus
 * under a protocol.
 */
export interface EvaluationEntry {
  corpus: string;
  engine: string;
  /** Architecture or classical model: "dnn", "svm", ... (a card's `architecture`). */
  model: string;
  protocol: string;
  protocolLabel: string;
  speakerIndependent: boolean;
  speakerNorm: boolean;
  seed: number;
  uar: number;
  accuracy: number;
  macroF1: number;
  n: number;
  labels: string[];
  /** counts[true][predicted], in `labels` order. */
  confusion: number[][];
  perClass: ClassMetrics[];
  acrossFolds: { accuracy: MeanStd; uar: MeanStd; macroF1: MeanStd };
  folds: { name: string; testSpeakers: string[]; nTrain: number; nTest: number; uar: number; accuracy: number; macroF1: number; params?: unknown }[];
  seconds: number;
  /** File name of the confusion matrix picture beside report.json. */
  confusionSvg?: string;
}

/** The part of docs/eval/report.json about one model's architecture. */
export interface EvaluationReport {
  /** When `ser compare` wrote the report. */
  created: string;
  /** The card's architecture, which selected `results`. */
  architecture: string;
  /** Runs of this architecture (empty when the report has none). */
  results: EvaluationEntry[];
  /** Every model the report compares, for context ("dt", "rf", ...). */
  comparedModels: string[];
}

/** GET /api/models/<name>: the card, the size, and the evaluation report (null until `npm run eval` has run). */
export interface ModelDetail extends ModelSummary {
  report: EvaluationReport | null;
}
