import { memo } from 'react';
import { emotionStyle, percent } from './emotion-colour';
import styles from './live.module.css';

/** Every label's probability, in the model's order, as a bar with its percentage in text. */
export const EmotionBars = memo(function EmotionBars({ labels, scores, winner }: { labels: string[]; scores: Record<string, number> | undefined; winner: string | undefined }) {
  return (
    <ul className={styles.bars} aria-label="Probabilities of the latest prediction">
      {labels.map((label) => {
        const p = scores?.[label] ?? 0;
        return (
          <li key={label} className={styles.barRow} data-label={label} data-winner={label === winner ? 'true' : undefined} style={emotionStyle(label)}>
            <span className={styles.barName}>{label}</span>
            <span className={styles.barTrack} aria-hidden="true">
              <span className={styles.barFill} style={{ width: `${p * 100}%` }} />
            </span>
            <span className={styles.barValue}>{scores ? percent(p) : '–'}</span>
          </li>
        );
      })}
    </ul>
  );
});
