import type { LiveLevel } from '../../lib/browser/live-protocol';
import { DEFAULT_GATE } from '../../lib/browser/voice-gate';
import styles from './live.module.css';

/** The meter spans the 60 dB below full scale: quieter than that is silence for any microphone. */
const RANGE_DB = 60;

/** Input level (loudest recent frame, dBFS) as an ARIA meter, and whether the voice gate hears speech. */
export function LevelMeter({ level }: { level: LiveLevel | undefined }) {
  const db = level?.db ?? -Infinity;
  const fraction = Math.min(1, Math.max(0, (db + RANGE_DB) / RANGE_DB));
  const percentNow = Math.round(fraction * 100);
  const dbText = Number.isFinite(db) && db > -RANGE_DB ? `${Math.round(db)} dBFS` : 'silent';
  return (
    <div className={styles.levelBlock}>
      <div className={styles.levelRow}>
        <span id="live-level-label" className={styles.fieldLabel}>
          Input level
        </span>
        <div
          role="meter"
          aria-labelledby="live-level-label"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percentNow}
          aria-valuetext={level ? dbText : 'no input'}
          className={styles.meter}
        >
          <div className={styles.meterFill} style={{ width: `${percentNow}%` }} />
          {level && level.floorDb > -RANGE_DB && (
            <div className={styles.meterFloor} style={{ left: `${((level.floorDb + RANGE_DB) / RANGE_DB) * 100}%` }} title="Noise floor" />
          )}
        </div>
        <span className={styles.levelText} aria-hidden="true">
          {level ? dbText : '–'}
        </span>
      </div>
      <p className={styles.gate} data-voiced={level?.voiced ? 'true' : 'false'}>
        <span className={styles.gateDot} aria-hidden="true" />
        {level === undefined ? 'Not listening' : level.voiced ? 'Speech' : 'Silence'}
      </p>
      <p className={`muted ${styles.gateNote}`}>
        The voice gate opens when the level rises {DEFAULT_GATE.thresholdDb} dB above the room&apos;s noise floor (the mark on the meter);
        seconds of silence are not classified.
      </p>
    </div>
  );
}
