import { EmotionModel, type EngineChoice, type Prediction } from '@ser/core';
import { describeError } from '../errors.js';
import type { Io } from '../io.js';
import { progressBar } from '../progress.js';

export interface PredictOptions {
  json: boolean;
  /** Model folder (model.onnx + card.json); default: EmotionModel.load()'s default. */
  model?: string;
  engine: EngineChoice;
  onError: (file: string, err: unknown) => void;
  /** Show a progress bar on stderr (only drawn when stderr is a terminal). */
  progress?: boolean;
}

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A horizontal bar of `width` cells for p in [0, 1], in eighths of a cell. */
export function bar(p: number, width = 20): string {
  const eighths = Math.round(Math.max(0, Math.min(1, p)) * width * 8);
  const full = Math.floor(eighths / 8);
  const s = '█'.repeat(full) + BLOCKS[eighths % 8]!;
  return s.padEnd(width, ' ');
}

const percent = (p: number) => `${(100 * p).toFixed(1)}%`;

/** One file's result: the top label and its probability, then every score as a bar, in the model's label order. */
export function renderPrediction(file: string, p: Prediction, labels: readonly string[]): string {
  const w = Math.max(...labels.map((l) => l.length));
  const rows = labels.map((l) => {
    const s = p.scores[l] ?? 0;
    return `  ${l === p.label ? '>' : ' '} ${l.padEnd(w)} ${bar(s)} ${percent(s).padStart(6)}`;
  });
  return `${file}: ${p.label} ${percent(p.scores[p.label]!)}\n${rows.join('\n')}\n`;
}

/** describeError, with the file named when the error's message does not name it already. */
export function describeFileError(file: string, err: unknown, debug: boolean): string {
  const line = describeError(err, debug);
  return err instanceof Error && !err.message.includes(file) ? line.replace(/^(error|internal error): /, `$1: ${file}: `) : line;
}

/** `ser predict <files...>`: the emotion of each file. Returns the number of files that failed. */
export async function predictCommand(files: string[], opts: PredictOptions, io: Io): Promise<number> {
  const model = await EmotionModel.load(opts.model, { engine: opts.engine, onWarning: (m) => io.err(`warning: ${m}\n`) });
  try {
    const show = opts.progress ?? files.length > 1;
    const progress = show ? progressBar('predict') : undefined;
    let failed = 0;
    await model.predictBatch(files, (done, total, item) => {
      const file = files[item.index]!;
      if (item.ok) {
        const { label, scores } = item.prediction;
        io.out(opts.json ? `${JSON.stringify({ file, label, scores })}\n` : renderPrediction(file, item.prediction, model.labels));
      } else {
        failed++;
        opts.onError(file, item.error);
      }
      progress?.update(done, total);
    });
    progress?.done();
    return failed;
  } finally {
    await model.dispose();
  }
}
