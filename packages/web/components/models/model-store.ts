/**
 * Server-only: the model pages read the same model folders and evaluation report as the API routes, through the
 * routes' own helpers (lib/server), so a page and GET /api/models always agree on what exists. Never import this
 * from a client component: it reaches node:fs.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';
import type { ModelCard } from '@ser/core';
import { HttpError } from '../../lib/server/errors';
import { checkModelName, listModelFolders, readModelFolder, type ModelFolder } from '../../lib/server/model';
import { evalReportPath, repoRoot } from '../../lib/server/repo';
import type { CardCrossValidation, EpochRecord, ModelOverview, ReportLookup, ReportRow } from './evaluation-types';

export async function listModels(): Promise<ModelOverview[]> {
  return (await listModelFolders()).map(summarise);
}

/**
 * One model folder; undefined when there is no such model (or the name could not be one). A folder whose card is
 * unreadable is returned with the reason, so its page can say what is wrong instead of a bare 404.
 */
export async function readModel(name: string): Promise<ModelOverview | undefined> {
  try {
    return summarise(await readModelFolder(checkModelName(name)));
  } catch (e) {
    if (e instanceof HttpError && (e.status === 404 || e.status === 400)) return undefined;
    return { folder: name, error: e instanceof Error ? e.message : String(e) };
  }
}

function summarise(folder: ModelFolder): ModelOverview {
  const card: ModelCard = folder.card;
  const t = card.training;
  const n = card.normalization;
  return {
    folder: folder.name,
    bytes: folder.bytes,
    card: {
      name: card.name,
      architecture: card.architecture,
      description: card.description,
      labels: card.labels,
      input: { preset: card.input.preset, sampleRate: card.input.sampleRate, shape: card.input.shape, ...(card.input.window ? { window: card.input.window } : {}) },
      normalization:
        (card.speakerStandardisation
          ? `per speaker first (each feature over ${card.speakerStandardisation.minRecordings}+ recordings of one speaker, classified together: ser predict --speaker), then `
          : '') +
        (n.kind === 'feature' ? `per feature (${n.mean.length} training-set means and deviations)` : n.kind === 'utterance' ? 'per utterance (zero mean, unit variance)' : 'none'),
      backend: card.backend,
      opset: card.opset,
      createdAt: card.createdAt,
      corpora: Array.isArray(t.corpora) ? t.corpora : [],
      protocol: String(t.protocol ?? ''),
      crossValidation: crossValidationOf(t.crossValidation),
      history: historyOf(t.history),
      training: {
        ...(typeof t.epochs === 'number' ? { epochs: t.epochs } : {}),
        ...(typeof t.bestEpoch === 'number' ? { bestEpoch: t.bestEpoch } : {}),
        ...(typeof t.stoppedEarly === 'boolean' ? { stoppedEarly: t.stoppedEarly } : {}),
        ...(typeof t.seconds === 'number' ? { seconds: t.seconds } : {}),
        ...(typeof t.seed === 'number' ? { seed: t.seed } : {}),
        ...(isParity(t.onnxParity) ? { onnxParity: t.onnxParity } : {}),
      },
    },
  };
}

/** The report's path as the page shows it: relative to the repository, never the server's own absolute paths. */
function shownPath(path: string): string {
  const root = repoRoot();
  const inRepo = root ? relative(root, path) : undefined;
  if (inRepo !== undefined && !inRepo.startsWith('..') && !isAbsolute(inRepo)) return inRepo;
  return process.env.SER_EVAL_REPORT ? '$SER_EVAL_REPORT' : 'docs/eval/report.json';
}

export async function readReport(): Promise<ReportLookup> {
  const file = evalReportPath();
  if (!file) return { kind: 'missing', path: 'docs/eval/report.json' };
  const path = shownPath(file);
  let text: string;
  try {
    // The report's path comes from the environment at run time; nothing to trace into the build.
    text = await readFile(/*turbopackIgnore: true*/ file, 'utf8');
  } catch {
    return { kind: 'missing', path };
  }
  try {
    const json: unknown = JSON.parse(text);
    if (!isRecord(json) || !Array.isArray(json.results)) return { kind: 'broken', path, error: 'it has no `results` list' };
    const results = json.results.filter(isReportRow);
    return {
      kind: 'found',
      path,
      report: { created: String(json.created ?? ''), seed: Number(json.seed ?? 0), preset: String(json.preset ?? ''), results },
    };
  } catch (e) {
    return { kind: 'broken', path, error: e instanceof Error ? e.message : String(e) };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isMeanStd = (v: unknown): v is { mean: number; std: number } => isRecord(v) && isNumber(v.mean) && isNumber(v.std);

function isConfusion(v: unknown): v is { labels: string[]; counts: number[][] } {
  return (
    isRecord(v) &&
    Array.isArray(v.labels) &&
    Array.isArray(v.counts) &&
    v.counts.length === v.labels.length &&
    v.counts.every((row) => Array.isArray(row) && row.length === (v.labels as unknown[]).length && row.every(isNumber))
  );
}

function isParity(v: unknown): v is { examples: number; maxAbsDiff: number; tolerance: number } {
  return isRecord(v) && isNumber(v.examples) && isNumber(v.maxAbsDiff) && isNumber(v.tolerance);
}

function isReportRow(v: unknown): v is ReportRow {
  return (
    isRecord(v) &&
    typeof v.corpus === 'string' &&
    typeof v.model === 'string' &&
    typeof v.protocolLabel === 'string' &&
    isNumber(v.uar) &&
    isNumber(v.accuracy) &&
    Array.isArray(v.labels) &&
    isConfusion({ labels: v.labels, counts: v.confusion })
  );
}

/** Cards are free-form under `training`; entries that do not have the expected shape are left out, not guessed at. */
function crossValidationOf(v: unknown): CardCrossValidation[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isRecord).flatMap((cv): CardCrossValidation[] => {
    if (typeof cv.corpus !== 'string' || !isMeanStd(cv.uar) || !isMeanStd(cv.accuracy)) return [];
    const perFold = Array.isArray(cv.perFold)
      ? cv.perFold.filter(
          (f): f is CardCrossValidation['perFold'][number] => isRecord(f) && typeof f.name === 'string' && isMeanStd(f.uar) && Array.isArray((f.uar as Record<string, unknown>).values),
        )
      : [];
    return [
      {
        corpus: cv.corpus,
        protocol: String(cv.protocol ?? ''),
        runs: isNumber(cv.runs) ? cv.runs : 1,
        uar: cv.uar,
        accuracy: cv.accuracy,
        perFold: perFold.map((f) => ({ name: f.name, testSpeakers: Array.isArray(f.testSpeakers) ? f.testSpeakers.map(String) : [], uar: f.uar })),
        ...(isConfusion(cv.confusion) ? { confusion: { labels: cv.confusion.labels, counts: cv.confusion.counts } } : {}),
      },
    ];
  });
}

function historyOf(v: unknown): EpochRecord[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((h): h is Record<string, unknown> => isRecord(h) && isNumber(h.epoch) && isNumber(h.loss) && isNumber(h.accuracy))
    .map((h) => ({ epoch: h.epoch as number, loss: h.loss as number, accuracy: h.accuracy as number, ...(isNumber(h.valUar) ? { valUar: h.valUar } : {}) }));
}
