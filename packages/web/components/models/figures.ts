/**
 * Turns card and report figures into chart groups. A group is a corpus under one protocol; its label always says
 * whether speakers were kept apart, because a random split's figures overstate what a new voice would get.
 */
import type { BarGroup, Series } from './grouped-bar-chart';
import { modelName, type CardCrossValidation, type Confusion, type ModelOverview, type ReportRow } from './evaluation-types';

/** ["leave-one-speaker-out", "speaker-independent"] from "leave-one-speaker-out (speaker-independent)". */
export function protocolLines(label: string, speakerNorm = false): string[] {
  const m = /^(.*?)\s*\((speaker-(?:in)?dependent)\)\s*$/.exec(label);
  const main = (m?.[1] ?? label) + (speakerNorm ? ' + speaker norm' : '');
  return m?.[2] ? [main, m[2]] : [main];
}

interface Figure {
  corpus: string;
  protocolLabel: string;
  speakerNorm: boolean;
  speakerIndependent: boolean;
  series: string;
  value: number;
  spread?: number;
}

const groupKey = (f: Pick<Figure, 'corpus' | 'protocolLabel' | 'speakerNorm'>) => `${f.corpus}|${f.protocolLabel}|${f.speakerNorm}`;

/** Corpus by corpus: speaker-independent protocols first, then with per-speaker standardisation, the random split last. */
function groupOrder(a: Figure, b: Figure): number {
  const rank = (f: Figure) => (f.speakerIndependent ? 0 : 2) + (f.speakerNorm ? 1 : 0);
  return a.corpus.localeCompare(b.corpus) || rank(a) - rank(b) || a.protocolLabel.localeCompare(b.protocolLabel);
}

function toGroups(figures: Figure[]): BarGroup[] {
  const groups = new Map<string, BarGroup>();
  for (const f of [...figures].sort(groupOrder)) {
    const key = groupKey(f);
    let g = groups.get(key);
    if (!g) {
      g = { lines: [f.corpus, ...protocolLines(f.protocolLabel, f.speakerNorm)], values: {}, spread: {} };
      groups.set(key, g);
    }
    g.values[f.series] = f.value;
    if (f.spread !== undefined) g.spread![f.series] = f.spread;
  }
  return [...groups.values()];
}

const cardSpeakerIndependent = (cv: CardCrossValidation) => !/speaker-dependent/.test(cv.protocol);

function cardFigures(cvs: readonly CardCrossValidation[], series: string): Figure[] {
  return cvs.map((cv) => ({
    corpus: cv.corpus,
    protocolLabel: cv.protocol,
    speakerNorm: false,
    speakerIndependent: cardSpeakerIndependent(cv),
    series,
    value: cv.uar.mean,
    ...(cv.runs > 1 ? { spread: cv.uar.std } : {}),
  }));
}

function reportFigures(rows: readonly ReportRow[], series: (r: ReportRow) => string): Figure[] {
  return rows.map((r) => ({
    corpus: r.corpus,
    protocolLabel: r.protocolLabel,
    speakerNorm: r.speakerNorm,
    speakerIndependent: r.speakerIndependent,
    series: series(r),
    value: r.uar,
  }));
}

/** One model's UAR: its own cross-validation (mean ± std over runs) beside the report's run of its architecture. */
export function modelUarChart(model: ModelOverview, report: readonly ReportRow[] | undefined): { groups: BarGroup[]; series: Series[] } {
  const card = model.card;
  if (!card) return { groups: [], series: [] };
  const mine = report?.filter((r) => r.model === card.architecture) ?? [];
  const series: Series[] = [{ key: 'card', name: `this model (${card.crossValidation[0]?.runs ?? 1} run${card.crossValidation[0]?.runs === 1 ? '' : 's'})` }];
  if (mine.length > 0) series.push({ key: 'report', name: `evaluation report: ${modelName(card.architecture)}` });
  return { groups: toGroups([...cardFigures(card.crossValidation, 'card'), ...reportFigures(mine, () => 'report')]), series };
}

/** Every model of the report and every model folder's own figures, grouped by corpus and protocol. */
export function comparisonChart(models: readonly ModelOverview[], report: readonly ReportRow[] | undefined): { groups: BarGroup[]; series: Series[] } {
  const series: Series[] = [];
  const figures: Figure[] = [];
  for (const m of models) {
    if (!m.card || m.card.crossValidation.length === 0) continue;
    const key = `folder:${m.folder}`;
    series.push({ key, name: `models/${m.folder} (${m.card.architecture})` });
    figures.push(...cardFigures(m.card.crossValidation, key));
  }
  for (const r of report ?? []) {
    const key = `report:${r.model}`;
    if (!series.some((s) => s.key === key)) series.push({ key, name: modelName(r.model) });
  }
  figures.push(...reportFigures(report ?? [], (r) => `report:${r.model}`));
  return { groups: toGroups(figures), series };
}

export interface ConfusionSource {
  corpus: string;
  confusion: Confusion;
  caption: string;
}

/**
 * A confusion matrix per corpus: the card's own (pooled over its runs and folds) when it kept one, else the report's
 * speaker-independent run of the same architecture, captioned as such.
 */
export function confusionSources(model: ModelOverview, report: readonly ReportRow[] | undefined): ConfusionSource[] {
  const card = model.card;
  if (!card) return [];
  const corpora = [...new Set([...card.corpora.map((c) => c.name), ...card.crossValidation.map((c) => c.corpus)])];
  return corpora.flatMap((corpus): ConfusionSource[] => {
    const cv = card.crossValidation.find((c) => c.corpus === corpus);
    if (cv?.confusion) {
      return [{ corpus, confusion: cv.confusion, caption: `${corpus}, ${cv.protocol}: this model, pooled over ${cv.runs} run${cv.runs === 1 ? '' : 's'} and every fold` }];
    }
    const row = report?.find((r) => r.corpus === corpus && r.model === card.architecture && r.speakerIndependent && !r.speakerNorm);
    if (row) {
      return [{ corpus, confusion: { labels: row.labels, counts: row.confusion }, caption: `${corpus}, ${row.protocolLabel}: evaluation report's run of ${modelName(row.model)} (pooled over folds)` }];
    }
    return [];
  });
}

/** Recall per emotion from a confusion matrix (rows are the truth); emotions with no test example are left out. */
export function recallsOf(confusion: Confusion): { label: string; recall: number; support: number }[] {
  return confusion.labels.flatMap((label, i) => {
    const row = confusion.counts[i] ?? [];
    const support = row.reduce((a, b) => a + b, 0);
    return support > 0 ? [{ label, recall: (row[i] ?? 0) / support, support }] : [];
  });
}

/** Splits a label into lines of at most `max` characters at spaces, so neighbouring groups' labels never collide. */
export function wrapWords(text: string, max: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
