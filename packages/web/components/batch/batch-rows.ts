import type { BatchResult } from '../../lib/api-types';
import { toCsv } from './csv';

/** One line of the results table: a prediction, or the reason that file had none. */
export interface BatchRow {
  /** Position in the upload (1-based), the table's original order. */
  index: number;
  file: string;
  label?: string;
  confidence?: number;
  scores?: Record<string, number>;
  error?: string;
}

export type SortKey = 'index' | 'file' | 'label' | 'confidence' | `score:${string}`;
export type SortDirection = 'ascending' | 'descending';
export interface Sort {
  key: SortKey;
  direction: SortDirection;
}

export function batchRows(result: BatchResult): BatchRow[] {
  return result.results.map((r, i) =>
    'error' in r
      ? { index: i + 1, file: r.file, error: r.error }
      : { index: i + 1, file: r.file, label: r.label, confidence: r.scores[r.label] ?? 0, scores: r.scores },
  );
}

/** Text columns read A to Z first; numbers read highest first, which is what one usually looks for. */
export function firstDirection(key: SortKey): SortDirection {
  return key === 'file' || key === 'label' || key === 'index' ? 'ascending' : 'descending';
}

function sortValue(row: BatchRow, key: SortKey): string | number | undefined {
  if (key === 'index') return row.index;
  if (key === 'file') return row.file;
  if (key === 'label') return row.label;
  if (key === 'confidence') return row.confidence;
  return row.scores?.[key.slice('score:'.length)];
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** A sorted copy. Files that failed have no value and stay at the bottom either way; ties keep upload order. */
export function sortRows(rows: readonly BatchRow[], sort: Sort): BatchRow[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === undefined || vb === undefined) {
      if (va !== vb) return va === undefined ? 1 : -1;
      return a.index - b.index;
    }
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb));
    return c === 0 ? a.index - b.index : sign * c;
  });
}

/** The table as CSV, in the order shown: file, label, confidence, one column per emotion, error. */
export function rowsToCsv(rows: readonly BatchRow[], labels: readonly string[]): string {
  const number = (v: number | undefined) => (v === undefined ? '' : v.toFixed(6));
  return toCsv([
    ['file', 'label', 'confidence', ...labels, 'error'],
    ...rows.map((r) => [r.file, r.label ?? '', number(r.confidence), ...labels.map((l) => number(r.scores?.[l])), r.error ?? '']),
  ]);
}
