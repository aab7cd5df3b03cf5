/**
 * `ser train`: cross-validates a deep architecture speaker-independently, N seeds of one configuration (the seed
 * project's "identical configurations, different results", measured), and optionally trains the final model on all
 * the corpora given and writes it as a model folder (model.onnx + card.json).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EMOTIONS,
  FeatureExtractor,
  defaultProtocol,
  protocolFolds,
  loadAudio,
  poolConfusions,
  type ConfusionMatrix,
  type CorpusName,
  type CorpusUse,
  type EngineChoice,
  type Matrix,
  type PresetName,
  type ProtocolName,
  type VectorPresetName,
} from '@ser/core';
import {
  architectureInput,
  augmentDataset,
  createDeepClassifier,
  crossValidate,
  initTf,
  MAX_DEFAULT_MODEL_BYTES,
  saveModelFolder,
  SEED_RECIPE,
  speakerScalers,
  type DeepArchitecture,
  type DeepClassifierOptions,
  type EpochProgress,
  type EvaluationResult,
  type LabelledRows,
} from '@ser/training';
import { corpusFeatures, defaultCacheDir, type CorpusFeatures } from '../corpus-features.js';
import type { Io } from '../io.js';
import { pct } from '../report/format.js';
import { TrainLog } from '../train-log.js';

export interface TrainOptions {
  arch: DeepArchitecture;
  /** Utterance vector of the row architectures (dnn, cnn1d). Default classic193. */
  preset?: VectorPresetName;
  /** Mixup's Beta(alpha, alpha) parameter; 0 (default) turns it off. */
  mixup?: number;
  /** Networks per model, averaged (DeepClassifierOptions.ensemble). Default 1. */
  ensemble?: number;
  protocol?: ProtocolName;
  k?: number;
  runs: number;
  seed: number;
  epochs?: number;
  patience?: number;
  batchSize?: number;
  learningRate?: number;
  /** Augmented copies of each training utterance (noise, gain, shift, speed), 0 for none. */
  augment: number;
  /**
   * Per-speaker standardisation (row architectures): every speaker's vectors standardised with that speaker's own
   * statistics, in cross-validation (test speakers too, from their unlabelled recordings) and in the final model,
   * whose card then asks for several recordings of one speaker at a time (`ser predict --speaker`).
   */
  speakerNorm?: boolean;
  seedRecipe: boolean;
  /** Skip cross-validation (only with `out`). */
  cv: boolean;
  /** Model folder for the final model trained on every corpus given. */
  out?: string;
  workDir?: string;
  resume: boolean;
  json: boolean;
  engine: EngineChoice;
  cacheDir?: string;
  corpus?: CorpusName;
  quiet?: boolean;
}

/**
 * Recordings of one speaker a per-speaker model needs at once: with fewer, the speaker's statistics are so noisy that
 * the plain model does better (SVM, UAR from 5 / 10 / 20 / all recordings of each test speaker: EMO-DB LOSO 0.62 /
 * 0.72 / 0.76 / 0.78 against 0.71 plain; RAVDESS 0.50 / 0.55 / 0.58 / 0.62 against 0.49; docs/EVALUATION.md).
 */
export const SPEAKER_MIN_RECORDINGS = 10;

const LICENCES: Partial<Record<CorpusName, string>> = {
  emodb: 'EMO-DB: free for research use; cite Burkhardt et al., Interspeech 2005',
  ravdess: 'RAVDESS: CC BY-NC-SA 4.0 (Livingstone & Russo, PLoS ONE 2018)',
  tess: 'TESS: CC BY-NC-ND 4.0',
  savee: 'SAVEE: free for research use',
  cremad: 'CREMA-D: Open Database License',
};

interface FoldFigure {
  name: string;
  testSpeakers: string[];
  uar: { mean: number; std: number; values: number[] };
}

export interface CorpusTraining {
  corpus: string;
  protocol: string;
  protocolLabel: string;
  runs: { seed: number; uar: number; accuracy: number; macroF1: number; folds: { name: string; uar: number; epochs: unknown; bestEpoch: unknown }[]; seconds: number }[];
  perFold: FoldFigure[];
  uar: { mean: number; std: number };
  accuracy: { mean: number; std: number };
  /** Test predictions of every run and fold pooled: what the report's confusion matrix and per-class recall show. */
  confusion: ConfusionMatrix;
  seconds: number;
}

export async function trainCommand(dirs: string[], opts: TrainOptions, io: Io): Promise<void> {
  const backend = await initTf();
  const note = (t: string) => {
    if (!opts.quiet) io.err(t);
  };
  note(`TensorFlow.js backend: ${backend}\n`);
  const preset: PresetName = architectureInput(opts.arch) === 'logmel' ? 'logmel' : (opts.preset ?? 'classic193');
  const workDir = opts.workDir ?? join(opts.cacheDir ?? defaultCacheDir(), 'train', `${opts.arch}-s${opts.seed}`);
  if (!opts.resume) await rm(workDir, { recursive: true, force: true });
  const log = new TrainLog(workDir);
  log.write({ type: 'start', arch: opts.arch, corpora: dirs, runs: opts.runs, resumed: opts.resume });
  note(`following: ${log.path} (watch it with \`ser ui --follow ${workDir}\`)\n`);
  try {
    await trainAll(dirs, opts, io, { backend, preset, workDir, log, note });
  } catch (err) {
    log.write({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

interface TrainContext {
  backend: string;
  preset: PresetName;
  workDir: string;
  log: TrainLog;
  note: (t: string) => void;
}

async function trainAll(dirs: string[], opts: TrainOptions, io: Io, ctx: TrainContext): Promise<void> {
  const { backend, preset, workDir, log, note } = ctx;

  const corpora: { features: CorpusFeatures; data: LabelledRows }[] = [];
  for (const dir of dirs) {
    const features = await corpusFeatures(dir, {
      preset,
      engine: opts.engine,
      ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
      ...(opts.corpus ? { corpus: opts.corpus } : {}),
      ...(opts.quiet ? { quiet: true } : {}),
    });
    for (const f of features.failures) io.err(`warning: skipped ${f.error.message}\n`);
    corpora.push({ features, data: await withAugmentation(asModelInput(features.data, preset), features, preset, opts, note) });
  }

  const results: CorpusTraining[] = [];
  if (opts.cv) {
    for (const { features, data } of corpora) {
      results.push(await crossValidateRuns(features.corpus.name, data, opts, workDir, note, log));
      if (!opts.json) io.out(`${describeTraining(opts.arch, results.at(-1)!)}\n`);
    }
  }

  let final: Record<string, unknown> | undefined;
  if (opts.out) final = await trainFinal(corpora, results, opts, workDir, backend, note, log);
  log.write({ type: 'done', summary: { architecture: opts.arch, corpora: results.map((r) => ({ corpus: r.corpus, protocol: r.protocolLabel, uar: r.uar })), ...(final ? { final } : {}) } });
  if (opts.json) io.out(`${JSON.stringify({ architecture: opts.arch, backend, corpora: results, ...(final ? { final } : {}) })}\n`);
  else if (final) io.out(`model written to ${String(final.dir)}: ${String(final.bytes)} bytes, ONNX parity ${String(final.maxAbsDiff)} on ${String(final.examples)} inputs\n`);
}

/** Log-mel models get one matrix per utterance (bands x frames), row models the vectors. */
function asModelInput(data: LabelledRows, preset: PresetName): LabelledRows {
  return preset !== 'logmel' ? data : { x: [], speakers: data.speakers, emotions: data.emotions, matrices: data.matrices ?? [] };
}

async function withAugmentation(data: LabelledRows, features: CorpusFeatures, preset: PresetName, opts: TrainOptions, note: (t: string) => void): Promise<LabelledRows> {
  if (opts.augment <= 0) return data;
  const extractor = new FeatureExtractor({ engine: opts.engine });
  const started = performance.now();
  const copies = await augmentDataset<Float32Array | Matrix>(
    features.paths.length,
    async (i) => (await loadAudio(features.paths[i]!, { sampleRate: 16000 })).samples,
    (samples) => extractor.extract(samples, 16000, preset),
    { copies: opts.augment, seed: opts.seed, sampleRate: 16000 },
  );
  note(`augmentation: ${copies.features.length} copies of ${features.paths.length} utterances in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return {
    ...data,
    augmented: preset === 'logmel'
      ? { source: copies.source, matrices: copies.features as Matrix[] }
      : { source: copies.source, x: copies.features as Float32Array[] },
  };
}

function classifierOptions(opts: TrainOptions): Partial<DeepClassifierOptions> {
  return {
    ...(opts.seedRecipe ? SEED_RECIPE : {}),
    ...(opts.epochs !== undefined ? { epochs: opts.epochs } : {}),
    ...(opts.patience !== undefined ? { earlyStopping: { patience: opts.patience } } : {}),
    ...(opts.batchSize !== undefined ? { batchSize: opts.batchSize } : {}),
    ...(opts.learningRate !== undefined ? { learningRate: opts.learningRate } : {}),
    ...(opts.mixup !== undefined ? { mixup: opts.mixup } : {}),
    ...(opts.ensemble !== undefined && opts.ensemble > 1 ? { ensemble: opts.ensemble } : {}),
    ...(architectureInput(opts.arch) === 'rows' ? { preset: opts.preset ?? 'classic193' } : {}),
  };
}

function epochLine(where: string, p: EpochProgress): string {
  const val = p.valUar === undefined ? '' : ` · val UAR ${p.valUar.toFixed(3)}`;
  return `${where} · epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(4)} · acc ${p.accuracy.toFixed(3)}${val} · ${p.seconds.toFixed(1)} s · ETA ${duration(p.etaSeconds)}\n`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Runs are spaced so that no (run, fold) pair shares a model seed with another. */
const RUN_SEED_STRIDE = 1000;

async function crossValidateRuns(corpus: string, data: LabelledRows, opts: TrainOptions, workDir: string, note: (t: string) => void, log: TrainLog): Promise<CorpusTraining> {
  const protocol = opts.protocol ?? defaultProtocol(corpus as CorpusName);
  const runs: EvaluationResult[] = [];
  // The same plan crossValidate makes, for fold names in the progress lines.
  const plan = protocolFolds(data.speakers.map((speaker, i) => ({ speaker, emotion: data.emotions[i]! })), protocol, { seed: opts.seed, ...(opts.k !== undefined ? { k: opts.k } : {}) });
  const folds = plan.folds.length;
  for (let r = 0; r < opts.runs; r++) {
    const seed = opts.seed + r * RUN_SEED_STRIDE;
    let fold = 0;
    const result = await crossValidate(data, {
      protocol,
      seed,
      ...(opts.speakerNorm ? { speakerNorm: true } : {}),
      ...(opts.k !== undefined ? { k: opts.k } : {}),
      model: (s) => {
        fold = s - seed;
        return createDeepClassifier(opts.arch, s, {
          ...classifierOptions(opts),
          checkpointDir: join(workDir, corpus, `run-${r + 1}`, `fold-${fold + 1}`),
          resume: true,
          onEpoch: (p) => {
            const foldName = plan.folds[fold]?.name ?? '?';
            const stage = `${corpus} run ${r + 1}/${opts.runs} fold ${fold + 1}/${folds} (${foldName})`;
            log.write({ type: 'epoch', stage, corpus, run: r + 1, runs: opts.runs, fold: fold + 1, folds, foldName, ...p });
            note(epochLine(stage, p));
          },
        });
      },
      onFold: (done, total, name, report) => {
        log.write({ type: 'fold', corpus, run: r + 1, fold: done, folds: total, foldName: name, uar: report.metrics.uar, epochs: Number(report.params.epochs) });
        note(`${corpus} run ${r + 1}/${opts.runs}: fold ${done}/${total} (${name}) done: UAR ${pct(report.metrics.uar)}, ${String(report.params.epochs)} epochs\n`);
      },
    });
    runs.push(result);
  }
  return summariseRuns(corpus, runs);
}

export function summariseRuns(corpus: string, runs: EvaluationResult[]): CorpusTraining {
  const first = runs[0]!;
  const perFold: FoldFigure[] = first.folds.map((f, i) => {
    const values = runs.map((r) => r.folds[i]!.metrics.uar);
    return { name: f.name, testSpeakers: f.testSpeakers, uar: { ...meanStd(values), values } };
  });
  return {
    corpus,
    protocol: first.protocol,
    protocolLabel: first.protocolLabel,
    runs: runs.map((r) => ({
      seed: r.seed,
      uar: r.summary.pooled.uar,
      accuracy: r.summary.pooled.accuracy,
      macroF1: r.summary.pooled.macroF1,
      folds: r.folds.map((f) => ({ name: f.name, uar: f.metrics.uar, epochs: f.params.epochs, bestEpoch: f.params.bestEpoch })),
      seconds: r.seconds,
    })),
    perFold,
    uar: meanStd(runs.map((r) => r.summary.pooled.uar)),
    accuracy: meanStd(runs.map((r) => r.summary.pooled.accuracy)),
    confusion: poolConfusions(runs.map((r) => r.summary.pooled.confusion)),
    seconds: runs.reduce((a, r) => a + r.seconds, 0),
  };
}

/**
 * Sample standard deviation (n - 1), not core's population meanStd used for folds: the runs are a sample of seeds, and
 * their spread is an estimate of how much a new seed would move the figure.
 */
function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}

export function describeTraining(arch: string, t: CorpusTraining): string {
  const lines = [
    `${arch} on ${t.corpus}, ${t.protocolLabel}, ${t.runs.length} run${t.runs.length === 1 ? '' : 's'}:`,
    `  UAR (pooled over folds) ${pct(t.uar.mean)} ± ${pct(t.uar.std)}, accuracy ${pct(t.accuracy.mean)} ± ${pct(t.accuracy.std)}; ${duration(t.seconds)}`,
    `  runs: ${t.runs.map((r) => `seed ${r.seed} ${pct(r.uar)}`).join(', ')}`,
    '  UAR per fold (mean ± std over runs):',
    ...t.perFold.map((f) => `    ${f.name.padEnd(14)} ${pct(f.uar.mean)} ± ${pct(f.uar.std)}  [${f.uar.values.map(pct).join(' ')}]`),
  ];
  return lines.join('\n');
}

async function trainFinal(
  corpora: { features: CorpusFeatures; data: LabelledRows }[],
  results: CorpusTraining[],
  opts: TrainOptions,
  workDir: string,
  backend: string,
  note: (t: string) => void,
  log: TrainLog,
): Promise<Record<string, unknown>> {
  const all: LabelledRows = { x: [], speakers: [], emotions: [] };
  const matrices: Matrix[] = [];
  const augmented = { source: [] as number[], x: [] as Float32Array[], matrices: [] as Matrix[] };
  for (const { features, data } of corpora) {
    const offset = all.speakers.length;
    // Speaker ids are only unique within a corpus; the validation split is carved by speaker.
    all.speakers.push(...data.speakers.map((s) => `${features.corpus.name}:${s}`));
    all.emotions.push(...data.emotions);
    all.x.push(...data.x);
    if (data.matrices) matrices.push(...data.matrices);
    if (data.augmented) {
      augmented.source.push(...data.augmented.source.map((i) => i + offset));
      augmented.x.push(...(data.augmented.x ?? []));
      augmented.matrices.push(...(data.augmented.matrices ?? []));
    }
  }
  const present = new Set(all.emotions);
  const labels = (EMOTIONS as readonly string[]).filter((e) => present.has(e));
  const classOf = new Map(labels.map((l, i) => [l, i]));
  const logmel = matrices.length > 0;
  // Per-speaker standardisation: augmented copies take their source speaker's statistics (of the real recordings).
  const scalers = opts.speakerNorm && !logmel ? speakerScalers(all.x, all.speakers) : undefined;
  const standardise = (row: Float32Array, speaker: string) => (scalers ? scalers.get(speaker)!.transformRow(row) : row);
  const rows = logmel ? matrices.map((m) => m.data) : all.x.map((r, i) => standardise(r, all.speakers[i]!));
  const extraRows = logmel ? augmented.matrices.map((m) => m.data) : augmented.x.map((r, j) => standardise(r, all.speakers[augmented.source[j]!]!));
  const y = [...all.emotions, ...augmented.source.map((i) => all.emotions[i]!)].map((e) => classOf.get(e)!);
  const clf = createDeepClassifier(opts.arch, opts.seed, {
    ...classifierOptions(opts),
    checkpointDir: join(workDir, 'final'),
    resume: true,
    onEpoch: (p) => {
      log.write({ type: 'epoch', stage: 'final model', corpus: 'all', run: 1, runs: 1, fold: 0, folds: 0, foldName: 'all speakers', ...p });
      note(epochLine('final model', p));
    },
  });
  const started = performance.now();
  try {
    await clf.fit([...rows, ...extraRows], y, {
      nClasses: labels.length,
      groups: [...all.speakers, ...augmented.source.map((i) => all.speakers[i]!)],
      augmented: [...rows.map(() => false), ...extraRows.map(() => true)],
    });
    const corporaUse: CorpusUse[] = corpora.map(({ features }) => ({
      name: features.corpus.name,
      files: features.data.speakers.length,
      speakers: new Set(features.data.speakers).size,
      licence: LICENCES[features.corpus.name as CorpusName] ?? 'see the corpus distribution',
    }));
    const saved = await saveModelFolder(clf, opts.out!, {
      name: `${opts.arch}-${corpora.map((c) => c.features.corpus.name).join('+')}`,
      description: `${opts.arch} on ${logmel ? 'log-mel windows' : `${opts.preset ?? 'classic193'} vectors${scalers ? ' standardised per speaker' : ''}`} trained on ${corporaUse.map((c) => c.name).join(' and ')} (${labels.length} emotions); figures are speaker-independent cross-validation`,
      labels,
      sampleRate: 16000,
      corpora: corporaUse,
      protocol: results.map((r) => `${r.corpus}: ${r.protocolLabel}`).join('; ') || 'no cross-validation (--no-cv)',
      verifyOn: logmel ? matrices : rows,
      ...(scalers ? { speakerStandardisation: { minRecordings: SPEAKER_MIN_RECORDINGS } } : {}),
      training: {
        backend,
        seed: opts.seed,
        augmentCopies: opts.augment,
        crossValidation: results.map((r) => ({ corpus: r.corpus, protocol: r.protocolLabel, runs: r.runs.length, uar: r.uar, accuracy: r.accuracy, perFold: r.perFold, confusion: r.confusion })),
        finalTrainingSeconds: (performance.now() - started) / 1000,
      },
    });
    if (saved.bytes > MAX_DEFAULT_MODEL_BYTES) note(`warning: model.onnx is ${saved.bytes} bytes, over the 10 MB a default model may take\n`);
    return { dir: saved.dir, bytes: saved.bytes, maxAbsDiff: saved.verification.maxAbsDiff, examples: saved.verification.samples, labels, seconds: (performance.now() - started) / 1000 };
  } finally {
    clf.dispose();
  }
}
