/**
 * The training log `ser train` appends to `<work dir>/progress.jsonl`: one JSON object per line, so that the training
 * dashboard (`ser ui`, key `t`) or any script can follow a run from another terminal while it trains.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EpochProgress } from '@ser/training';

export const TRAIN_LOG_NAME = 'progress.jsonl';

/** Where the stage sits in the run: a cross-validation fold, or the final model (corpus "all", fold 0). */
export interface StagePosition {
  stage: string;
  corpus: string;
  run: number;
  runs: number;
  fold: number;
  folds: number;
  foldName: string;
}

export type TrainEvent =
  | { type: 'start'; arch: string; corpora: string[]; runs: number; resumed: boolean }
  | ({ type: 'epoch' } & StagePosition & EpochProgress)
  | { type: 'fold'; corpus: string; run: number; fold: number; folds: number; foldName: string; uar: number; epochs: number }
  | { type: 'done'; summary: Record<string, unknown> }
  | { type: 'error'; message: string };

export class TrainLog {
  readonly path: string;

  constructor(workDir: string) {
    this.path = join(workDir, TRAIN_LOG_NAME);
    mkdirSync(dirname(this.path), { recursive: true });
  }

  /** Appends one line; a whole line per write, so a reader never sees half an event except while it is written. */
  write(event: TrainEvent): void {
    appendFileSync(this.path, `${JSON.stringify({ ...event, time: new Date().toISOString() })}\n`);
  }
}
