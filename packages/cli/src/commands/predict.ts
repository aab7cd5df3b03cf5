import { EmotionModel, SerError, type EngineChoice, type Prediction, type SegmentOptions, type Timeline } from '@ser/core';
import { describeError } from '../errors.js';
import type { Io } from '../io.js';
import { progressBar } from '../progress.js';
import { csvRow } from '../report/csv.js';

export type PredictFormat = 'text' | 'json' | 'csv';

export interface PredictOptions {
  format: PredictFormat;
  /** Model folder (model.onnx + card.json); default: EmotionModel.load()'s default. */
  model?: string;
  engine: EngineChoice;
  /** Emotions over time: sliding windows (seconds) per file, beside the whole-file prediction. */
  segments?: SegmentOptions;
  /** The files are recordings of one speaker, classified together by a per-speaker model (predictSpeaker). */
  speaker?: boolean;
  onError: (file: string, err: unknown) => void;
  /** Show a progress bar on stderr (only drawn when stderr is a terminal). */
  progress?: boolean;
}

/** What a run did: how many files were classified and which failed (with the error). */
export interface PredictSummary {
  done: number;
  failures: { file: string; error: Error }[];
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
const seconds = (s: number) => s.toFixed(1);

/** One file's result: the top label and its probability, then every score as a bar, in the model's label order. */
export function renderPrediction(file: string, p: Prediction, labels: readonly string[]): string {
  const w = Math.max(...labels.map((l) => l.length));
  const rows = labels.map((l) => {
    const s = p.scores[l] ?? 0;
    return `  ${l === p.label ? '>' : ' '} ${l.padEnd(w)} ${bar(s)} ${percent(s).padStart(6)}`;
  });
  return `${file}: ${p.label} ${percent(p.scores[p.label]!)}\n${rows.join('\n')}\n`;
}

/** The whole-file prediction, then one line per segment: its span, label, confidence as a bar. */
export function renderTimeline(file: string, t: Timeline, labels: readonly string[], options: Required<SegmentOptions>): string {
  const w = Math.max(...labels.map((l) => l.length));
  const span = (a: number, b: number) => `${seconds(a)}-${seconds(b)} s`.padStart(14);
  const rows = t.segments.map((s) => `    ${span(s.start, s.end)} ${s.label.padEnd(w)} ${bar(s.scores[s.label]!, 10)} ${percent(s.scores[s.label]!).padStart(6)}`);
  return (
    renderPrediction(`${file} (${seconds(t.duration)} s)`, t.overall, labels) +
    `  over time (${options.window} s windows every ${options.hop} s):\n${rows.join('\n')}\n`
  );
}

/** CSV header: file, [segment, start, end,] label, then one probability column per emotion. */
export function csvHeader(labels: readonly string[], segments: boolean): string {
  return csvRow(['file', ...(segments ? ['segment', 'start', 'end'] : []), 'label', ...labels]);
}

function csvPrediction(file: string, p: Prediction, labels: readonly string[], segment?: { id: string; start: number; end: number }): string {
  const span = segment ? [segment.id, segment.start.toFixed(3), segment.end.toFixed(3)] : [];
  return csvRow([file, ...span, p.label, ...labels.map((l) => (p.scores[l] ?? 0).toFixed(6))]);
}

function jsonPrediction(file: string, p: Prediction): Record<string, unknown> {
  return { file, label: p.label, scores: p.scores };
}

/** describeError, with the file named when the error's message does not name it already. */
export function describeFileError(file: string, err: unknown, debug: boolean): string {
  const line = describeError(err, debug);
  return err instanceof Error && !err.message.includes(file) ? line.replace(/^(error|internal error): /, `$1: ${file}: `) : line;
}

/**
 * `ser predict <files...>`: the emotion of each file (and, with segments, of each window). Results stream as they
 * come; a file that fails is reported through `onError` and the others still run.
 */
export async function predictCommand(files: string[], opts: PredictOptions, io: Io): Promise<PredictSummary> {
  const model = await EmotionModel.load(opts.model, { engine: opts.engine, onWarning: (m) => io.err(`warning: ${m}\n`) });
  try {
    const labels = model.labels;
    const segmentOptions = opts.segments ? { window: opts.segments.window ?? 3, hop: opts.segments.hop ?? 1 } : undefined;
    if (opts.format === 'csv') io.out(`${csvHeader(labels, Boolean(segmentOptions))}\n`);
    const show = opts.progress ?? files.length > 1;
    const progress = show ? progressBar('predict') : undefined;
    const summary: PredictSummary = { done: 0, failures: [] };
    const fail = (file: string, error: Error) => {
      summary.failures.push({ file, error });
      opts.onError(file, error);
    };

    if (!segmentOptions) {
      const classify = opts.speaker ? model.predictSpeaker.bind(model) : model.predictBatch.bind(model);
      await classify(files, (done, total, item) => {
        const file = files[item.index]!;
        if (item.ok) {
          summary.done++;
          const p = item.prediction;
          io.out(
            opts.format === 'json' ? `${JSON.stringify(jsonPrediction(file, p))}\n`
            : opts.format === 'csv' ? `${csvPrediction(file, p, labels)}\n`
            : renderPrediction(file, p, labels),
          );
        } else {
          fail(file, item.error);
        }
        progress?.update(done, total);
      });
    } else {
      for (const [i, file] of files.entries()) {
        let t: Timeline;
        try {
          t = await model.predictSegments(file, segmentOptions);
        } catch (err) {
          if (!(err instanceof SerError)) throw err;
          fail(file, err);
          progress?.update(i + 1, files.length);
          continue;
        }
        summary.done++;
        if (opts.format === 'json') {
          const segments = t.segments.map((s) => ({ start: s.start, end: s.end, label: s.label, scores: s.scores }));
          io.out(`${JSON.stringify({ ...jsonPrediction(file, t.overall), duration: t.duration, segments })}\n`);
        } else if (opts.format === 'csv') {
          io.out(`${csvPrediction(file, t.overall, labels, { id: 'all', start: 0, end: t.duration })}\n`);
          t.segments.forEach((s, k) => io.out(`${csvPrediction(file, s, labels, { id: String(k + 1), start: s.start, end: s.end })}\n`));
        } else {
          io.out(renderTimeline(file, t, labels, segmentOptions));
        }
        progress?.update(i + 1, files.length);
      }
    }
    progress?.done();
    return summary;
  } finally {
    await model.dispose();
  }
}
