import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultProtocol, type EngineChoice, type PresetName, type ProtocolName, type VectorPresetName } from '@ser/core';
import {
  ARCHITECTURE_DESCRIPTIONS,
  MODEL_DESCRIPTIONS,
  architectureInput,
  createDeepClassifier,
  crossValidate,
  isClassicalModelName,
  type ClassicalModelName,
  type DeepArchitecture,
  type EvaluationResult,
  type LabelledRows,
} from '@ser/training';
import { corpusFeatures, type CorpusFeatures } from '../corpus-features.js';
import type { Io } from '../io.js';
import { progressBar } from '../progress.js';
import { confusionSvg } from '../report/confusion-svg.js';
import { describeEvaluation, pct } from '../report/format.js';
import { evaluationJson } from './evaluate.js';

export interface CompareOptions {
  /** Classical models and deep architectures (the latter with `ser train`'s default settings). */
  models: (ClassicalModelName | DeepArchitecture)[];
  /** Utterance features of the classical models and the row architectures. Default classic193. */
  preset?: VectorPresetName;
  /** Settings of the deep models beyond ser train's defaults. */
  deep?: { ensemble?: number; mixup?: number };
  /** Protocols to run; 'default' means each corpus' own speaker-independent protocol. */
  protocols: (ProtocolName | 'default')[];
  out: string;
  seed: number;
  speakerNorm: boolean;
  cacheDir?: string;
  engine: EngineChoice;
  quiet?: boolean;
}

interface Row {
  corpus: string;
  preset: PresetName;
  result: EvaluationResult;
  svg: string;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

/** Runs models x protocols x corpora and writes report.json, report.md and one confusion SVG per run into `out`. */
export async function compareCommand(dirs: string[], opts: CompareOptions, io: Io): Promise<void> {
  await mkdir(opts.out, { recursive: true });
  const rows: Row[] = [];
  const engines = new Set<string>();
  const failures: { path: string; error: string }[] = [];
  const usesLogmel = opts.models.some((m) => !isClassicalModelName(m) && architectureInput(m) === 'logmel');
  const vectorPreset = opts.preset ?? 'classic193';
  for (const dir of dirs) {
    const load = (preset: PresetName) =>
      corpusFeatures(dir, {
        preset,
        engine: opts.engine,
        ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}),
        ...(opts.quiet ? { quiet: true } : {}),
      });
    const features = await load(vectorPreset);
    const logmel: CorpusFeatures | undefined = usesLogmel ? await load('logmel') : undefined;
    engines.add(features.engine);
    failures.push(...features.failures.map((f) => ({ path: f.path, error: f.error.reason })));
    const corpus = features.corpus.name;
    const protocols = [...new Set(opts.protocols.map((p) => (p === 'default' ? defaultProtocol(corpus) : p)))];
    const runs: { protocol: ProtocolName; speakerNorm: boolean }[] = protocols.map((protocol) => ({ protocol, speakerNorm: false }));
    if (opts.speakerNorm) runs.push(...protocols.filter((p) => p !== 'random').map((protocol) => ({ protocol, speakerNorm: true })));
    for (const model of opts.models) {
      const onLogmel = !isClassicalModelName(model) && architectureInput(model) === 'logmel';
      // Per-speaker standardisation is defined on utterance vectors; log-mel models normalise each utterance themselves.
      for (const run of runs.filter((r) => !(onLogmel && r.speakerNorm))) {
        const data: LabelledRows = onLogmel
          ? { x: [], speakers: logmel!.data.speakers, emotions: logmel!.data.emotions, matrices: logmel!.data.matrices ?? [] }
          : features.data;
        const bar = opts.quiet ? undefined : progressBar(`${corpus} ${model} ${run.protocol}${run.speakerNorm ? ' +spk-norm' : ''}`);
        const result = await crossValidate(data, {
          ...run,
          model: isClassicalModelName(model) ? model : (s: number) => createDeepClassifier(model, s, { ...opts.deep, ...(onLogmel ? {} : { preset: vectorPreset }) }),
          seed: opts.seed,
          onFold: (d, t, n) => bar?.update(d, t, n),
        });
        bar?.done(`UAR ${pct(result.summary.pooled.uar)}`);
        const svg = `confusion-${corpus}-${model}-${run.protocol}${run.speakerNorm ? '-spknorm' : ''}.svg`;
        await writeAtomic(join(opts.out, svg), confusionSvg(result.summary.pooled.confusion, `${corpus}, ${model}, ${result.protocolLabel}: UAR ${pct(result.summary.pooled.uar)}`));
        rows.push({ corpus, result, svg, preset: onLogmel ? 'logmel' : vectorPreset });
      }
    }
  }
  const report = {
    created: new Date().toISOString(),
    seed: opts.seed,
    preset: usesLogmel ? `${vectorPreset}, logmel` : vectorPreset,
    ...(opts.deep ? { deep: opts.deep } : {}),
    engines: [...engines],
    results: rows.map((r) => ({ ...evaluationJson(r.corpus, [...engines].join(', '), r.result, r.preset), confusionSvg: r.svg })),
    failures,
  };
  await writeAtomic(join(opts.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeAtomic(join(opts.out, 'report.md'), reportMarkdown(rows, { seed: opts.seed, preset: vectorPreset, ...(opts.deep ? { deep: opts.deep } : {}) }, [...engines], usesLogmel));
  if (!opts.quiet) for (const r of rows) io.err(`${describeEvaluation(r.corpus, r.result)}\n`);
  io.out(`report written to ${join(opts.out, 'report.md')} (and report.json, ${rows.length} confusion matrices as SVG)\n`);
}

function runKey(r: EvaluationResult): string {
  return `${r.protocol}${r.speakerNorm ? '+norm' : ''}`;
}

/** How the deep models differ from ser train's defaults, for their row names: " (ensemble of 5, mixup 0.2)". */
function deepSettings(deep: CompareOptions['deep']): string {
  const parts = [...((deep?.ensemble ?? 1) > 1 ? [`ensemble of ${deep!.ensemble}`] : []), ...(deep?.mixup ? [`mixup ${deep.mixup}`] : [])];
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function reportMarkdown(rows: Row[], opts: Pick<CompareOptions, 'seed' | 'preset' | 'deep'>, engines: string[], usesLogmel = false): string {
  const out: string[] = ['# ser compare report', ''];
  out.push(`Features: ${opts.preset ?? 'classic193'}${usesLogmel ? ' (log-mel windows for vgg2d and resatt2d)' : ''} (${engines.join(', ')} engine). Seed ${opts.seed}. Figures are pooled over folds: UAR / accuracy.`);
  out.push('Speaker-independent protocols never put a speaker in both train and test; the random split does, and its');
  out.push('figures overstate what a new voice would get. The gap column shows by how much (UAR points).', '');
  for (const corpus of [...new Set(rows.map((r) => r.corpus))]) {
    const mine = rows.filter((r) => r.corpus === corpus);
    const keys = [...new Set(mine.map((r) => runKey(r.result)))];
    const labelOf = new Map(mine.map((r) => [runKey(r.result), r.result.protocolLabel]));
    const siKey = keys.find((k) => !k.includes('+norm') && k !== 'random');
    const hasGap = siKey !== undefined && keys.includes('random');
    out.push(`## ${corpus} (${mine[0]!.result.summary.pooled.n} test predictions per protocol at most)`, '');
    out.push(`| model | ${keys.map((k) => labelOf.get(k)).join(' | ')}${hasGap ? ' | gap (UAR points) |' : ' |'}`);
    out.push(`|---|${keys.map(() => '---').join('|')}${hasGap ? '|---|' : '|'}`);
    for (const model of [...new Set(mine.map((r) => r.result.model))]) {
      const cells = keys.map((k) => {
        const r = mine.find((x) => x.result.model === model && runKey(x.result) === k);
        return r ? `${pct(r.result.summary.pooled.uar)} / ${pct(r.result.summary.pooled.accuracy)}` : '-';
      });
      let gap = '';
      if (hasGap) {
        const si = mine.find((x) => x.result.model === model && runKey(x.result) === siKey)!;
        const rnd = mine.find((x) => x.result.model === model && runKey(x.result) === 'random')!;
        gap = ` | ${((rnd.result.summary.pooled.uar - si.result.summary.pooled.uar) * 100).toFixed(1)} |`;
      }
      const name = isClassicalModelName(model) ? MODEL_DESCRIPTIONS[model] : `${ARCHITECTURE_DESCRIPTIONS[model as DeepArchitecture] ?? model}${deepSettings(opts.deep)}`;
      out.push(`| ${name} | ${cells.join(' | ')}${hasGap ? gap : ' |'}`);
    }
    out.push('', 'Confusion matrices (pooled over folds):', '');
    for (const r of mine) out.push(`- [${r.result.model}, ${r.result.protocolLabel}](${r.svg})`);
    out.push('');
  }
  return out.join('\n');
}
