import { useId } from 'react';
import { emotionColour, percent } from '../common/emotions';
import styles from './analyse.module.css';

interface Props {
  /** The model's labels, in its output order (the order the bars keep, so results are comparable at a glance). */
  labels: readonly string[];
  scores: Record<string, number>;
  predicted: string;
}

/** One bar per emotion with its percentage written out; each bar is an ARIA meter named by its emotion. */
export function EmotionBars({ labels, scores, predicted }: Props) {
  const id = useId();
  return (
    <ul className={styles.bars} aria-label="Emotion probabilities" data-testid="emotion-bars">
      {labels.map((label) => {
        const p = scores[label] ?? 0;
        const nameId = `${id}-${label}`;
        return (
          <li key={label} className={label === predicted ? styles.predictedBar : undefined}>
            <span id={nameId} className={styles.barName}>
              {label}
              {label === predicted && <span className={styles.visuallyHidden}> (predicted)</span>}
            </span>
            <span
              className={styles.barTrack}
              role="meter"
              aria-labelledby={nameId}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(p * 100)}
              aria-valuetext={percent(p)}
            >
              <span className={styles.barFill} style={{ width: `${Math.min(100, p * 100)}%`, background: emotionColour(label) }} />
            </span>
            <span className={styles.barValue}>{percent(p)}</span>
          </li>
        );
      })}
    </ul>
  );
}
