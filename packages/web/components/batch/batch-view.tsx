'use client';

import { useId, useState, type DragEvent } from 'react';
import type { BatchResult } from '../../lib/api-types';
import { ApiRequestError, postForm } from '../common/api-client';
import { batchRows, rowsToCsv, sortRows, type BatchRow, type Sort } from './batch-rows';
import { downloadText } from './csv';
import { ResultsTable } from './results-table';
import styles from './batch.module.css';

const ACCEPT = 'audio/*,.wav,.flac,.mp3,.ogg,.oga,.opus,.zip,application/zip';

type Run = { kind: 'idle' } | { kind: 'running'; count: number } | { kind: 'failed'; error: string };

function fileCount(n: number): string {
  return `${n} file${n === 1 ? '' : 's'}`;
}

/** The Batch page: several files or a zip in, one table of predictions out, sortable and downloadable as CSV. */
export function BatchView() {
  const inputId = useId();
  const [files, setFiles] = useState<File[]>([]);
  const [run, setRun] = useState<Run>({ kind: 'idle' });
  const [result, setResult] = useState<{ labels: string[]; rows: BatchRow[] } | undefined>(undefined);
  const [sort, setSort] = useState<Sort>({ key: 'index', direction: 'ascending' });
  const [dragging, setDragging] = useState(false);

  const submit = async () => {
    if (files.length === 0) return;
    setRun({ kind: 'running', count: files.length });
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    try {
      const answer = await postForm<BatchResult>('/api/batch', form);
      setResult({ labels: answer.labels, rows: batchRows(answer) });
      setSort({ key: 'index', direction: 'ascending' });
      setRun({ kind: 'idle' });
    } catch (e) {
      setRun({ kind: 'failed', error: e instanceof ApiRequestError ? e.message : `Something went wrong: ${String(e)}` });
    }
  };

  const onDrop = (e: DragEvent<HTMLFormElement>) => {
    e.preventDefault();
    setDragging(false);
    if (run.kind !== 'running') setFiles([...e.dataTransfer.files]);
  };

  const busy = run.kind === 'running';
  const failed = result?.rows.filter((r) => r.error !== undefined).length ?? 0;
  return (
    <>
      <h1>Batch</h1>
      <p className="muted">Classify many recordings at once: choose several audio files, or one zip of them. Each file gets a row; files that cannot be read say why.</p>
      <form
        className={`panel ${styles.form}`}
        data-dragging={dragging || undefined}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <div className={styles.picker}>
          <label htmlFor={inputId}>Audio files or a zip (or drop them here)</label>
          <input id={inputId} type="file" multiple accept={ACCEPT} onChange={(e) => setFiles([...(e.target.files ?? [])])} disabled={busy} />
        </div>
        {files.length > 0 && (
          <p className="muted">
            {files.length} chosen: {files.slice(0, 5).map((f) => f.name).join(', ')}
            {files.length > 5 ? `, and ${files.length - 5} more` : ''}
          </p>
        )}
        <div className={styles.actions}>
          <button type="submit" disabled={busy || files.length === 0}>
            {busy ? `Analysing ${fileCount(run.count)}…` : files.length === 0 ? 'Analyse files' : `Analyse ${fileCount(files.length)}`}
          </button>
          {result && (
            <button type="button" className="secondary" onClick={() => downloadText(rowsToCsv(sortRows(result.rows, sort), result.labels), `ser-batch-${new Date().toISOString().slice(0, 10)}.csv`)}>
              Download CSV
            </button>
          )}
        </div>
      </form>
      <div role="status" className={styles.status}>
        {busy ? 'Analysing… large batches take a while.' : result ? `${result.rows.length - failed} of ${result.rows.length} files analysed${failed ? `, ${failed} failed` : ''}.` : ''}
      </div>
      {run.kind === 'failed' && (
        <div role="alert" className={`panel ${styles.alert}`}>
          <strong>The batch could not be analysed.</strong> {run.error}
        </div>
      )}
      {result && <ResultsTable rows={result.rows} labels={result.labels} sort={sort} onSort={setSort} />}
    </>
  );
}
