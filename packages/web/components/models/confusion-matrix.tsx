import type { Confusion } from './evaluation-types';
import styles from './models.module.css';

/**
 * Six shades per theme (models.module.css), each with a text colour that keeps 4.5:1 on it. An empty cell stays the
 * page's colour so that the structure of the errors stands out.
 */
const HEAT_STEPS = 6;

function heatClass(share: number): string | undefined {
  if (share <= 0) return undefined;
  const step = Math.min(HEAT_STEPS, Math.max(1, Math.ceil(share * HEAT_STEPS)));
  return styles[`heat${step}`];
}

/** Rows are true emotions, columns predictions; each cell's shade is its share of the row (the recall on the diagonal). */
export function ConfusionMatrix({ confusion, caption }: { confusion: Confusion; caption: string }) {
  const { labels, counts } = confusion;
  return (
    <div className={styles.matrixScroller} role="region" aria-label={caption} tabIndex={0}>
      <table className={styles.matrix} data-testid="confusion-matrix">
        <caption>
          {caption}. Rows: true emotion; columns: predicted emotion; each cell shows the count and its share of the row.
        </caption>
        <thead>
          <tr>
            <td className={styles.corner}>
              <span>true ↓ / predicted →</span>
            </td>
            {labels.map((l) => (
              <th key={l} scope="col" className={styles.colHead}>
                <span>{l}</span>
              </th>
            ))}
            <th scope="col" className={styles.numeric}>
              total
            </th>
          </tr>
        </thead>
        <tbody>
          {labels.map((truth, t) => {
            const row = counts[t] ?? [];
            const total = row.reduce((a, b) => a + b, 0);
            return (
              <tr key={truth}>
                <th scope="row">{truth}</th>
                {labels.map((predicted, p) => {
                  const n = row[p] ?? 0;
                  const share = total > 0 ? n / total : 0;
                  return (
                    <td key={predicted} className={`${styles.cell} ${heatClass(share) ?? ''} ${t === p ? styles.diagonal : ''}`}>
                      <span className={styles.count}>{n}</span>
                      <span className={styles.share}>{total > 0 ? `${Math.round(share * 100)}%` : ''}</span>
                    </td>
                  );
                })}
                <td className={styles.numeric}>{total}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
