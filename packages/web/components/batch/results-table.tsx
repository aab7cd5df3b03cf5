'use client';

import { useMemo } from 'react';
import { emotionColour, percent } from '../common/emotions';
import { firstDirection, sortRows, type BatchRow, type Sort, type SortKey } from './batch-rows';
import styles from './batch.module.css';

interface Props {
  rows: readonly BatchRow[];
  labels: readonly string[];
  sort: Sort;
  onSort(sort: Sort): void;
}

/** A column header that sorts by its column; the header cell carries aria-sort while it is the sort column. */
function SortHeader({ label, column, sort, onSort, numeric }: { label: string; column: SortKey; sort: Sort; onSort(s: Sort): void; numeric?: boolean }) {
  const active = sort.key === column;
  const next: Sort = active
    ? { key: column, direction: sort.direction === 'ascending' ? 'descending' : 'ascending' }
    : { key: column, direction: firstDirection(column) };
  return (
    <th scope="col" aria-sort={active ? sort.direction : undefined} className={numeric ? styles.numeric : undefined}>
      <button type="button" className={styles.sortButton} onClick={() => onSort(next)}>
        {label}
        <span aria-hidden="true" className={styles.sortMark}>
          {active ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

/** Results of a batch, one row per file; errors take the place of the scores on their row. */
export function ResultsTable({ rows, labels, sort, onSort }: Props) {
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort]);
  const header = { sort, onSort };
  return (
    <div className={styles.scroller} role="region" aria-label="Batch results (scrolls sideways)" tabIndex={0}>
      <table className={styles.table} data-testid="batch-table">
        <caption className={styles.caption}>
          Predictions for {rows.length} file{rows.length === 1 ? '' : 's'}; choose a column header to sort by it.
        </caption>
        <thead>
          <tr>
            <SortHeader label="#" column="index" numeric {...header} />
            <SortHeader label="File" column="file" {...header} />
            <SortHeader label="Label" column="label" {...header} />
            <SortHeader label="Confidence" column="confidence" numeric {...header} />
            {labels.map((l) => (
              <SortHeader key={l} label={l} column={`score:${l}`} numeric {...header} />
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.index} data-error={r.error ? true : undefined}>
              <td className={styles.numeric}>{r.index}</td>
              <th scope="row" className={styles.fileCell}>
                {r.file}
              </th>
              {r.error !== undefined ? (
                <td colSpan={2 + labels.length} className={styles.errorCell}>
                  <span className={styles.errorTag}>Error:</span> {r.error}
                </td>
              ) : (
                <>
                  <td className={styles.labelCell}>
                    <span className={styles.swatch} style={{ background: emotionColour(r.label ?? '') }} aria-hidden="true" />
                    {r.label}
                  </td>
                  <td className={styles.numeric}>{percent(r.confidence ?? 0)}</td>
                  {labels.map((l) => (
                    <td key={l} className={`${styles.numeric} ${l === r.label ? styles.top : ''}`}>
                      {percent(r.scores?.[l] ?? 0)}
                    </td>
                  ))}
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
