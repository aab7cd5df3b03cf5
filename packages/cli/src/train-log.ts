/**
 * The training log `ser train` appends to `<work dir>/progress.jsonl`: one JSON object per line, so that the training
 * dashboard (`ser ui`, key `t`) or any script can follow a run from another terminal while it trains.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EpochProgress } from '@ser/training';

export const TRAIN_LOG_NAME = 'progress.jsonl';

/** The events, as a reader gets them (`time` is stamped by the writer; readers tolerate lines without it). */
export interface StartEvent {
  type: 'start';
  arch: string;
  corpora: string[];
  runs: number;
  resumed?: boolean;
  time?: string;
}

/** One epoch's progress as the training loop reports it, and where in the run it happened. */
export interface EpochEvent extends EpochProgress {
  type: 'epoch';
  stage: string;
  corpus: string;
  run: number;
  runs: number;
  fold: number;
  folds: number;
  foldName: string;
  time?: string;
}

export interface FoldEvent {
  type: 'fold';
  corpus: string;
  run: number;
  fold: number;
  folds: number;
  foldName: string;
  uar: number;
  epochs: number;
  time?: string;
}

export interface DoneEvent {
  type: 'done';
  summary?: Record<string, unknown>;
  time?: string;
}

export interface ErrorEvent {
  type: 'error';
  message: string;
  time?: string;
}

export type TrainingEvent = StartEvent | EpochEvent | FoldEvent | DoneEvent | ErrorEvent;

/** Removes `time` from each member of a union (Omit on the union itself would merge the members). */
type WithoutTime<T> = T extends unknown ? Omit<T, 'time'> : never;

export class TrainLog {
  readonly path: string;

  constructor(workDir: string) {
    this.path = join(workDir, TRAIN_LOG_NAME);
    mkdirSync(dirname(this.path), { recursive: true });
  }

  /** Appends one line; a whole line per write, so a reader never sees half an event except while it is written. */
  write(event: WithoutTime<TrainingEvent>): void {
    appendFileSync(this.path, `${JSON.stringify({ ...event, time: new Date().toISOString() })}\n`);
  }
}
