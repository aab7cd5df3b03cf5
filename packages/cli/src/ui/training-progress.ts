/**
 * Reading the log `ser train` appends to `<work dir>/progress.jsonl` while it trains: parsing tolerant of a line still
 * being written, folding the events into what the dashboard shows, and finding the latest run to follow.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { defaultCacheDir } from '../corpus-features.js';
import { TRAIN_LOG_NAME, type DoneEvent, type EpochEvent, type ErrorEvent, type FoldEvent, type StartEvent, type TrainingEvent } from '../train-log.js';

export type { DoneEvent, EpochEvent, ErrorEvent, FoldEvent, StartEvent, TrainingEvent };


const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

/**
 * One line of the log as an event, or undefined for a line that is not one (blank, cut short, from a newer `ser`):
 * a dashboard must keep following a log it only partly understands.
 */
export function parseTrainingLine(line: string): TrainingEvent | undefined {
  const text = line.trim();
  if (!text) return undefined;
  let o: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    o = v as Record<string, unknown>;
  } catch {
    return undefined;
  }
  switch (o.type) {
    case 'start':
      return isStr(o.arch) ? (o as unknown as StartEvent) : undefined;
    case 'epoch':
      return isStr(o.stage) && isNum(o.epoch) && isNum(o.loss) ? (o as unknown as EpochEvent) : undefined;
    case 'fold':
      return isNum(o.uar) && isStr(o.corpus) ? (o as unknown as FoldEvent) : undefined;
    case 'done':
      return o as unknown as DoneEvent;
    case 'error':
      return isStr(o.message) ? (o as unknown as ErrorEvent) : undefined;
    default:
      return undefined;
  }
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  valUar?: number;
  seconds: number;
}

/** One training stage (a fold of a run, or the final model) and its curves. */
export interface Stage {
  name: string;
  corpus: string;
  run: number;
  runs: number;
  fold: number;
  folds: number;
  foldName: string;
  epochs: number;
  points: EpochPoint[];
  etaSeconds: number;
}

export interface TrainingState {
  status: 'waiting' | 'running' | 'finished' | 'failed';
  start?: StartEvent;
  stages: Stage[];
  /** Finished folds, in the order they finished; a resumed run replaces a fold's earlier entry. */
  folds: FoldEvent[];
  error?: string;
  summary?: Record<string, unknown>;
  /** Time of the last event, as written by `ser train`. */
  lastTime?: string;
}

export const initialTrainingState: TrainingState = { status: 'waiting', stages: [], folds: [] };

/** The state after one more event. Pure, so the dashboard can replay a whole log or add lines as they come. */
export function reduceTraining(state: TrainingState, e: TrainingEvent): TrainingState {
  const next: TrainingState = { ...state, ...(e.time ? { lastTime: e.time } : {}) };
  switch (e.type) {
    case 'start':
      // A fresh run starts a fresh log; a resumed one continues the curves drawn so far.
      if (!e.resumed) return { status: 'running', start: e, stages: [], folds: [], ...(e.time ? { lastTime: e.time } : {}) };
      return { ...next, status: 'running', start: e, error: undefined, summary: undefined };
    case 'epoch': {
      const stages = [...state.stages];
      const at = stages.findIndex((s) => s.name === e.stage);
      const old = at >= 0 ? stages[at]! : undefined;
      // A resumed stage repeats epochs from its checkpoint: later points than the new one are superseded.
      const kept = (old?.points ?? []).filter((p) => p.epoch < e.epoch);
      const point: EpochPoint = { epoch: e.epoch, loss: e.loss, accuracy: e.accuracy, seconds: e.seconds, ...(isNum(e.valUar) ? { valUar: e.valUar } : {}) };
      const stage: Stage = {
        name: e.stage,
        corpus: e.corpus,
        run: e.run,
        runs: e.runs,
        fold: e.fold,
        folds: e.folds,
        foldName: e.foldName,
        epochs: e.epochs,
        points: [...kept, point],
        etaSeconds: e.etaSeconds,
      };
      if (at >= 0) stages.splice(at, 1);
      stages.push(stage); // the stage last written to is the current one
      return { ...next, status: state.status === 'waiting' ? 'running' : state.status, stages };
    }
    case 'fold': {
      const same = (f: FoldEvent) => f.corpus === e.corpus && f.run === e.run && f.foldName === e.foldName;
      return { ...next, folds: [...state.folds.filter((f) => !same(f)), e] };
    }
    case 'done':
      return { ...next, status: 'finished', ...(e.summary ? { summary: e.summary } : {}) };
    case 'error':
      return { ...next, status: 'failed', error: e.message };
  }
}

/**
 * Seconds to the end of the current corpus' cross-validation: the current stage's own estimate plus, for its folds
 * not started yet, the mean time of its stages finished so far. Undefined until one of them has finished (nothing to
 * average), and for the final model, whose own estimate is all there is.
 */
export function estimateCorpusRemaining(state: TrainingState): number | undefined {
  const current = state.stages.at(-1);
  if (!current || state.status !== 'running' || current.folds === 0) return undefined;
  const ofCorpus = state.stages.filter((s) => s.corpus === current.corpus && s.folds > 0);
  const finished = ofCorpus.slice(0, -1);
  const remainingStages = Math.max(0, current.folds * current.runs - ofCorpus.length);
  if (remainingStages === 0) return current.etaSeconds;
  if (finished.length === 0) return undefined;
  const mean = finished.reduce((a, s) => a + s.points.reduce((b, p) => b + p.seconds, 0), 0) / finished.length;
  return current.etaSeconds + remainingStages * mean;
}

/** "45 s", "12 min", "2 h 05 min", "3 days". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds >= 48 * 3600) return `${Math.round(seconds / 86400)} days`;
  const h = Math.floor(seconds / 3600);
  return `${h} h ${String(Math.round((seconds - 3600 * h) / 60)).padStart(2, '0')} min`;
}

/**
 * Follows a growing file by polling: reads only what was appended, keeps an unfinished last line until its newline
 * arrives, waits for a file that does not exist yet, and starts over if the file is replaced by a shorter one (a new
 * run in the same work dir). Polling rather than fs.watch, which misses appends on some file systems.
 */
export class LineTail {
  readonly path: string;
  #offset = 0;
  #partial = '';
  /** Keeps a character split between two reads whole. */
  #decoder = new StringDecoder('utf8');
  #timer: NodeJS.Timeout | undefined;
  #reading = false;

  constructor(path: string) {
    this.path = path;
  }

  /** Calls `onLines` with each batch of complete new lines (the first batch holds the whole file so far). */
  start(onLines: (lines: string[], restarted: boolean) => void, onState: (exists: boolean) => void, intervalMs = 500): void {
    const tick = async () => {
      if (this.#reading) return;
      this.#reading = true;
      try {
        const result = await this.read();
        onState(result.exists);
        if (result.lines.length > 0 || result.restarted) onLines(result.lines, result.restarted);
      } finally {
        this.#reading = false;
      }
    };
    void tick();
    this.#timer = setInterval(() => void tick(), intervalMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One poll: the complete lines appended since the last one. */
  async read(): Promise<{ exists: boolean; lines: string[]; restarted: boolean }> {
    let size: number;
    try {
      size = (await stat(this.path)).size;
    } catch {
      return { exists: false, lines: [], restarted: false };
    }
    let restarted = false;
    if (size < this.#offset) {
      this.#offset = 0;
      this.#partial = '';
      this.#decoder = new StringDecoder('utf8');
      restarted = true;
    }
    if (size === this.#offset) return { exists: true, lines: [], restarted };
    const handle = await open(this.path, 'r');
    try {
      const length = size - this.#offset;
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, this.#offset);
      this.#offset += bytesRead;
      const text = this.#partial + this.#decoder.write(buffer.subarray(0, bytesRead));
      const parts = text.split('\n');
      this.#partial = parts.pop() ?? '';
      return { exists: true, lines: parts, restarted };
    } finally {
      await handle.close();
    }
  }
}

/** The log of a work dir; a path that already names the .jsonl file is taken as is. */
export function progressPath(follow: string): string {
  return basename(follow) === TRAIN_LOG_NAME || follow.endsWith('.jsonl') ? follow : join(follow, TRAIN_LOG_NAME);
}

/** The training cache the runs live in: `$SER_CACHE_DIR/train` (default ~/.cache/ser/train). */
export function trainRoot(): string {
  return join(defaultCacheDir(), 'train');
}

/** The most recently modified `progress.jsonl` under `<root>/<run>/`, or undefined when there is none. */
export async function findLatestProgress(root: string = trainRoot()): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return undefined;
  }
  let best: { path: string; mtime: number } | undefined;
  for (const name of names) {
    const path = join(root, name, TRAIN_LOG_NAME);
    const s = await stat(path).catch(() => undefined);
    if (s?.isFile() && (!best || s.mtimeMs > best.mtime)) best = { path, mtime: s.mtimeMs };
  }
  return best?.path;
}

export const NO_TRAINING_RUN = 'no training run found; start one with `ser train <corpus> --arch vgg2d`';
