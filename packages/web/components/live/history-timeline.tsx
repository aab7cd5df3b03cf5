'use client';

import { memo, useEffect, useRef } from 'react';
import type { LivePrediction } from '../../lib/browser/live-protocol';
import { emotionStyle, percent } from './emotion-colour';
import styles from './live.module.css';

function describe(p: LivePrediction): string {
  const at = `${Math.round(p.time)} s`;
  return p.label === null ? `${at}: silence` : `${at}: ${p.label} (${percent(p.scores?.[p.label] ?? 0)})`;
}

/**
 * The last predictions as a strip of cells, one a second, newest on the right, coloured by emotion (silence
 * hatched), with a legend; each cell also carries its text for screen readers and as a tooltip.
 */
export const HistoryTimeline = memo(function HistoryTimeline({ history, labels }: { history: LivePrediction[]; labels: string[] }) {
  const strip = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = strip.current;
    if (el) el.scrollLeft = el.scrollWidth;
  }, [history]);
  return (
    <section className={`panel ${styles.history}`} aria-labelledby="live-history-title">
      <h2 id="live-history-title" className={styles.sectionTitle}>
        Last {history.length === 1 ? 'prediction' : `${history.length} predictions`}
      </h2>
      {history.length === 0 ? (
        <p className="muted">Predictions appear here once a second while you listen.</p>
      ) : (
        // Focusable so keyboard users can scroll it when it overflows.
        <ol ref={strip} className={styles.strip} tabIndex={0} aria-label="Prediction history, oldest first" data-testid="live-history">
          {history.map((p) => (
            <li
              key={p.time}
              className={p.label === null ? `${styles.cell} ${styles.silence}` : styles.cell}
              style={p.label === null ? undefined : emotionStyle(p.label)}
              data-label={p.label ?? 'silence'}
              title={describe(p)}
            >
              <span className={styles.srOnly}>{describe(p)}</span>
            </li>
          ))}
        </ol>
      )}
      <ul className={styles.legend} aria-label="Legend">
        {labels.map((label) => (
          <li key={label} style={emotionStyle(label)}>
            <span className={styles.swatch} aria-hidden="true" />
            {label}
          </li>
        ))}
        <li>
          <span className={`${styles.swatch} ${styles.silence}`} aria-hidden="true" />
          silence
        </li>
      </ul>
    </section>
  );
});
