import { formatSeconds, timeTicks } from './time';
import styles from './analyse.module.css';

/** Seconds under the waveform and timeline, at the same horizontal scale. */
export function TimeAxis({ duration }: { duration: number }) {
  return (
    <div className={styles.timeAxis} aria-hidden="true">
      {timeTicks(duration).map((t) => (
        <span key={t} style={{ left: `${duration > 0 ? (t / duration) * 100 : 0}%` }}>
          {formatSeconds(t)}
        </span>
      ))}
    </div>
  );
}
