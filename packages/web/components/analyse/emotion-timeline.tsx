import type { SegmentResult } from '../../lib/api-types';
import { emotionColour, percent, textOnEmotion } from '../common/emotions';
import { assignLanes } from './lanes';
import { formatSeconds } from './time';
import styles from './analyse.module.css';

interface Props {
  segments: readonly SegmentResult[];
  duration: number;
  /** The segment being played, outlined. */
  playing: { start: number; end: number } | undefined;
  onPlay(segment: SegmentResult): void;
}

/** The emotions over time, aligned with the waveform; each segment is a button that plays it. */
export function EmotionTimeline({ segments, duration, playing, onPlay }: Props) {
  const lanes = assignLanes(segments);
  const laneCount = Math.max(1, ...lanes.map((l) => l + 1));
  const span = duration > 0 ? duration : Math.max(1e-3, ...segments.map((s) => s.end));
  return (
    <ol className={styles.timeline} style={{ height: `calc(${laneCount} * var(--lane-height))` }} aria-label="Emotions over time (activate a segment to play it)" data-testid="emotion-timeline">
      {segments.map((s, i) => {
        const confidence = s.scores[s.label] ?? 0;
        const active = playing !== undefined && Math.abs(playing.start - s.start) < 1e-6 && Math.abs(playing.end - s.end) < 1e-6;
        return (
          <li
            key={`${s.start}-${s.end}`}
            className={styles.segmentSlot}
            style={{ left: `${(s.start / span) * 100}%`, width: `${((s.end - s.start) / span) * 100}%`, top: `calc(${lanes[i]} * var(--lane-height))` }}
          >
            <button
              type="button"
              className={styles.segment}
              data-active={active || undefined}
              style={{ background: emotionColour(s.label), color: textOnEmotion(s.label) }}
              aria-label={`Play ${formatSeconds(s.start)} to ${formatSeconds(s.end)}: ${s.label}, ${percent(confidence)}`}
              aria-pressed={active}
              title={`${s.label} ${percent(confidence)}, ${formatSeconds(s.start)}–${formatSeconds(s.end)}`}
              onClick={() => onPlay(s)}
            >
              {s.label}
            </button>
          </li>
        );
      })}
    </ol>
  );
}

/** The emotions that appear on the timeline, in the model's label order, each with its colour. */
export function EmotionLegend({ labels, segments }: { labels: readonly string[]; segments: readonly SegmentResult[] }) {
  const present = labels.filter((l) => segments.some((s) => s.label === l));
  return (
    <ul className={styles.legend} aria-label="Timeline colours">
      {present.map((label) => (
        <li key={label}>
          <span className={styles.swatch} style={{ background: emotionColour(label) }} aria-hidden="true" />
          {label}
        </li>
      ))}
    </ul>
  );
}
