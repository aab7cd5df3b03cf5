import { defaultProtocol, type CorpusName, type EngineChoice, type PresetName, type ProtocolName, type VectorPresetName } from '@ser/core';
import { crossValidate, type ClassicalModelName, type EvaluationResult } from '@ser/training';
import { corpusFeatures } from '../corpus-features.js';
import type { Io } from '../io.js';
import { progressBar } from '../progress.js';
import { confusionTable, describeEvaluation } from '../report/format.js';

export interface EvaluateOptions {
  protocol?: ProtocolName;
  model: ClassicalModelName;
  /** Utterance features. Default classic193. */
  preset?: VectorPresetName;
  seed: number;
  k?: number;
  speakerNorm: boolean;
  json: boolean;
  cacheDir?: string;
  engine: EngineChoice;
  corpus?: CorpusName;
  quiet?: boolean;
}

/** The machine-readable form of one evaluation (`--json`, and each row of report.json). */
export function evaluationJson(corpus: string, engine: string, r: EvaluationResult, preset: PresetName) {
  const p = r.summary.pooled;
  return {
    corpus,
    engine,
    preset,
    model: r.model,
    protocol: r.protocol,
    protocolLabel: r.protocolLabel,
    speakerIndependent: r.speakerIndependent,
    speakerNorm: r.speakerNorm,
    seed: r.seed,
    uar: p.uar,
    accuracy: p.accuracy,
    macroF1: p.macroF1,
    n: p.n,
    labels: r.labels,
    confusion: p.confusion.counts,
    perClass: p.perClass,
    acrossFolds: r.summary.acrossFolds,
    folds: r.folds.map((f) => ({
      name: f.name,
      testSpeakers: f.testSpeakers,
      nTrain: f.nTrain,
      nTest: f.nTest,
      uar: f.metrics.uar,
      accuracy: f.metrics.accuracy,
      macroF1: f.metrics.macroF1,
      params: f.params,
    })),
    seconds: r.seconds,
  };
}

export async function evaluateCommand(dir: string, opts: EvaluateOptions, io: Io): Promise<void> {
  const preset = opts.preset ?? 'classic193';
  const features = await corpusFeatures(dir, {
    preset,
    engine: opts.engine,
    ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.corpus ? { corpus: opts.corpus } : {}),
    ...(opts.quiet ? { quiet: true } : {}),
  });
  for (const f of features.failures) io.err(`warning: skipped ${f.error.message}\n`);
  const protocol = opts.protocol ?? defaultProtocol(features.corpus.name);
  const bar = opts.quiet ? undefined : progressBar(`${opts.model} ${protocol}`);
  const result = await crossValidate(features.data, {
    protocol,
    model: opts.model,
    seed: opts.seed,
    speakerNorm: opts.speakerNorm,
    ...(opts.k !== undefined ? { k: opts.k } : {}),
    onFold: (done, total, name) => bar?.update(done, total, name),
  });
  bar?.done();
  if (opts.json) {
    const failures = features.failures.map((f) => ({ path: f.path, error: f.error.reason }));
    io.out(`${JSON.stringify({ ...evaluationJson(features.corpus.name, features.engine, result, preset), failures })}\n`);
    return;
  }
  io.out(`${describeEvaluation(features.corpus.name, result)}\n${confusionTable(result)}\n`);
}
