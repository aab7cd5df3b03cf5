'use client';

import { useEffect, useRef } from 'react';
import { EmotionBars } from './emotion-bars';
import { emotionStyle, percent } from './emotion-colour';
import { HistoryTimeline } from './history-timeline';
import { LevelMeter } from './level-meter';
import styles from './live.module.css';
import { useLiveSession } from './use-live-session';

const STATUS_TEXT = {
  idle: 'Stopped',
  starting: 'Starting: waiting for the microphone and the model…',
  listening: 'Listening',
} as const;

const NO_LABELS: string[] = [];

/** The Live page's interactive part: controls, level and gate, the current emotion, and its recent history. */
export function LivePanel({ modelUrl }: { modelUrl: string }) {
  const live = useLiveSession(modelUrl);
  const { status, model, level, history, latest, error } = live;
  const labels = model?.labels ?? NO_LABELS;
  const last = history.at(-1);
  const silentNow = status === 'listening' && last !== undefined && last.label === null;

  // The pressed button becomes disabled and would drop keyboard focus to the page: hand it to the other button.
  const startButton = useRef<HTMLButtonElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  const focusFollows = useRef(false);
  useEffect(() => {
    if (!focusFollows.current) return;
    const active = document.activeElement;
    const lost = !active || active === document.body || (active instanceof HTMLButtonElement && active.disabled);
    if (lost) (status === 'idle' ? startButton : stopButton).current?.focus();
  }, [status]);
  const press = (action: () => void) => () => {
    const active = document.activeElement;
    focusFollows.current = active === startButton.current || active === stopButton.current;
    action();
  };

  return (
    <div className={styles.live}>
      <section className={`panel ${styles.controls}`} aria-label="Microphone">
        <div className={styles.buttons}>
          <button ref={startButton} type="button" onClick={press(live.start)} disabled={status !== 'idle'}>
            Start
          </button>
          <button ref={stopButton} type="button" className="secondary" onClick={press(live.stop)} disabled={status === 'idle'}>
            Stop
          </button>
          <p className={styles.status} role="status">
            {STATUS_TEXT[status]}
            {status === 'listening' && model ? ` (model “${model.model}”, ${labels.length} emotions)` : ''}
          </p>
        </div>
        {error && (
          <p role="alert" className={`error ${styles.alert}`} data-kind={error.kind}>
            {error.message}
          </p>
        )}
        <LevelMeter level={status === 'listening' ? level : undefined} />
      </section>

      <section className={`panel ${styles.current}`} aria-labelledby="live-current-title">
        <h2 id="live-current-title" className={styles.sectionTitle}>
          Current emotion
        </h2>
        {latest?.label ? (
          <p className={styles.currentLabel} style={emotionStyle(latest.label)} data-testid="live-current">
            <span className={styles.swatch} aria-hidden="true" />
            <span>{latest.label}</span>
            <span className={styles.currentMeta}>
              {percent(latest.scores?.[latest.label] ?? 0)} · at {Math.round(latest.time)} s{silentNow ? ' · silence now' : ''}
            </span>
          </p>
        ) : (
          <p className="muted">{status === 'listening' ? 'Listening for speech…' : 'Press Start and speak.'}</p>
        )}
        {/* Announces changes of emotion only: a reading every second would drown everything else out. */}
        <p className={styles.srOnly} aria-live="polite">
          {latest?.label ?? ''}
        </p>
        {labels.length > 0 && <EmotionBars labels={labels} scores={latest?.scores ?? undefined} winner={latest?.label ?? undefined} />}
      </section>

      <HistoryTimeline history={history} labels={labels} />
    </div>
  );
}
