/** Messages between the UI thread and the analysis worker. */
import type { EngineChoice } from '@ser/core';
import type { Analysis, AnalysisErrorKind, Classification, ModelInfo } from './analyzer.js';

/** Given to the worker at start (workerData). */
export interface WorkerSetup {
  model?: string;
  engine: EngineChoice;
}

export type JobKind = 'analyze' | 'classify';

export type ToWorker =
  | { type: 'job'; id: number; kind: JobKind; file: string }
  | { type: 'cancel'; id: number };

export type FromWorker =
  | { type: 'model'; ok: true; info: ModelInfo }
  | { type: 'model'; ok: false; message: string }
  /** The job left the queue and is computing now (a cancel can no longer just drop it). */
  | { type: 'started'; id: number }
  | { type: 'analysis'; id: number; analysis: Analysis }
  | { type: 'classification'; id: number; classification: Classification }
  | { type: 'failed'; id: number; kind: AnalysisErrorKind; message: string }
  | { type: 'warning'; message: string };
