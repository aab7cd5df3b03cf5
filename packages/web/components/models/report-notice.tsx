import type { ReportLookup } from './evaluation-types';
import { formatDate } from './format';
import styles from './models.module.css';

/** Says where the evaluation report comes from, or how to produce it when there is none. */
export function ReportNotice({ lookup }: { lookup: ReportLookup }) {
  if (lookup.kind === 'found') {
    return (
      <p className="muted">
        From <code>{lookup.path}</code> ({lookup.report.results.length} runs on {lookup.report.preset || 'classic193'} features, {formatDate(lookup.report.created)}, seed {lookup.report.seed}).
      </p>
    );
  }
  return (
    <div className={`panel ${styles.notice}`} data-testid="report-missing">
      {lookup.kind === 'missing' ? (
        <p>
          No evaluation report yet. Run <code>npm run eval</code> at the repository root to produce <code>{lookup.path}</code>: it trains and
          tests every classical and deep model on the same folds.
        </p>
      ) : (
        <p>
          The evaluation report <code>{lookup.path}</code> could not be read ({lookup.error}). Run <code>npm run eval</code> again to rewrite it.
        </p>
      )}
    </div>
  );
}
