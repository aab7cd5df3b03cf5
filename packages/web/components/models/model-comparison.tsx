import type { ModelOverview, ReportLookup } from './evaluation-types';
import { comparisonChart } from './figures';
import { GroupedBarChart } from './grouped-bar-chart';
import { ReportNotice } from './report-notice';
import styles from './models.module.css';

/** Every model folder and every model of the evaluation report on the same folds: the project's algorithm comparison. */
export function ModelComparison({ models, lookup }: { models: readonly ModelOverview[]; lookup: ReportLookup }) {
  const chart = comparisonChart(models, lookup.kind === 'found' ? lookup.report.results : undefined);
  return (
    <section className={styles.section} aria-labelledby="comparison-heading">
      <h2 id="comparison-heading">Comparison of models and baselines</h2>
      <p className="muted">
        UAR of each model on each corpus and protocol. Speaker-independent protocols keep every test speaker out of training; the random split
        does not, so its bars show how much a familiar voice flatters a model.
      </p>
      <ReportNotice lookup={lookup} />
      {chart.groups.length > 0 ? (
        <GroupedBarChart title="UAR of every model" measure="Unweighted average recall, pooled over folds (model folders: mean over their runs)." groups={chart.groups} series={chart.series} height={380} />
      ) : (
        <p className="muted">No figures to compare yet.</p>
      )}
    </section>
  );
}
