import type { EvaluationResult } from '@ser/training';

export const pct = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

/** One evaluation as a few human lines: the protocol label always comes with the figures. */
export function describeEvaluation(corpus: string, r: EvaluationResult): string {
  const s = r.summary;
  const lines = [
    `${corpus} | ${r.model} | ${r.protocolLabel}`,
    `  UAR ${pct(s.pooled.uar)}  accuracy ${pct(s.pooled.accuracy)}  macro F1 ${pct(s.pooled.macroF1)}  (pooled over ${r.folds.length} fold${r.folds.length === 1 ? '' : 's'}, ${s.pooled.n} test utterances)`,
  ];
  if (r.folds.length > 1) lines.push(`  across folds: UAR ${pct(s.acrossFolds.uar.mean)} +- ${pct(s.acrossFolds.uar.std)}, accuracy ${pct(s.acrossFolds.accuracy.mean)} +- ${pct(s.acrossFolds.accuracy.std)}`);
  if (!r.speakerIndependent) lines.push('  note: speaker-dependent split (the same speakers in train and test); expect much less on new voices');
  return lines.join('\n');
}

/** The confusion matrix as an aligned text table (rows true, columns predicted). */
export function confusionTable(r: EvaluationResult): string {
  const cm = r.summary.pooled.confusion;
  const w = Math.max(8, ...cm.labels.map((l) => l.length)) + 1;
  const head = ' '.repeat(w) + cm.labels.map((l) => l.slice(0, 7).padStart(8)).join('');
  const rows = cm.counts.map((row, i) => cm.labels[i]!.padEnd(w) + row.map((c) => String(c).padStart(8)).join(''));
  return ['  true \\ predicted', head, ...rows].map((l) => `  ${l}`).join('\n');
}
