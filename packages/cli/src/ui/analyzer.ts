/**
 * The seam between the views and the work: views ask an Analyzer for a file's picture and emotions and never see
 * threads, so tests hand them a fake while `ser ui` hands them the worker-backed one.
 */
import { SerError } from '@ser/core';
import type { Envelope } from './charts/braille.js';
import type { Spectrogram } from './charts/spectrogram.js';

/** The model the analyzer classifies with. */
export interface ModelInfo {
  name: string;
  dir: string;
  labels: string[];
  /** Feature engine doing the work: the native addon, or the TypeScript twin. */
  engine: 'native' | 'typescript';
  preset: string;
}

export interface Scores {
  label: string;
  /** One probability per model label, summing to 1. */
  scores: Record<string, number>;
}

export interface TimelineSegment extends Scores {
  /** Seconds. */
  start: number;
  end: number;
}

export interface FilePrediction {
  /** The model's labels in output order. */
  labels: string[];
  overall: Scores;
  /** Sliding windows of 3 s every 1 s (one segment for shorter recordings). */
  segments: TimelineSegment[];
}

/** Everything the file view draws for one recording. */
export interface Analysis {
  file: string;
  /** Seconds. */
  duration: number;
  /** Rate the picture and the prediction were computed at. */
  sampleRate: number;
  /** Largest absolute sample (1 = full scale). */
  peak: number;
  envelope: Envelope;
  /** Log-mel in dB, reduced to what a terminal can show. */
  spectrogram: Spectrogram;
  /** Absent when there is no usable model; `predictionError` then says why in one line. */
  prediction?: FilePrediction;
  predictionError?: string;
  /** Decoder warnings (a truncated file read to its end, ...). */
  warnings: string[];
  /** Wall time of the analysis. */
  seconds: number;
}

/** The compare view's row: the overall emotion only. */
export interface Classification extends Scores {
  file: string;
  labels: string[];
  duration: number;
}

export interface AnalyzeOptions {
  /** Aborting rejects the promise with AnalysisCancelledError and frees the worker for the next request. */
  signal?: AbortSignal;
}

export interface Analyzer {
  /** The loaded model; rejects with AnalysisError (kind "model") when the model folder is missing or broken. */
  model(): Promise<ModelInfo>;
  /** Waveform, spectrogram and emotions over time; a missing model is reported inside, not thrown. */
  analyze(file: string, options?: AnalyzeOptions): Promise<Analysis>;
  /** The overall emotion only, for many files; needs the model. */
  classify(file: string, options?: AnalyzeOptions): Promise<Classification>;
  /** Stops the work and frees the worker; later calls reject. */
  dispose(): Promise<void>;
}

export type AnalysisErrorKind = 'audio' | 'model' | 'worker' | 'internal';

/**
 * One line for the user about one failed request: what went wrong, with which file, and what to do. `kind` tells an
 * unreadable recording (show it, move on) from a missing model (say so once) from a crashed worker.
 */
export class AnalysisError extends SerError {
  readonly kind: AnalysisErrorKind;
  constructor(kind: AnalysisErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** The request was cancelled (the user moved on); views ignore it. */
export class AnalysisCancelledError extends SerError {
  constructor(file: string) {
    super(`${file}: analysis cancelled`);
  }
}

export function isCancelled(err: unknown): err is AnalysisCancelledError {
  return err instanceof AnalysisCancelledError;
}

/** The message to show for any rejection, without a stack: our errors speak for themselves, bugs say they are bugs. */
export function errorLine(err: unknown): string {
  if (err instanceof SerError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return `internal error: ${message.split('\n')[0]} (a bug in ser; please report it)`;
}
