/**
 * The pieces of the file view. Every plot row is a gutter of GUTTER columns and then the plot, so waveform,
 * spectrogram and timeline share one time axis: column x is the same instant in all of them.
 */
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { FilePrediction, Scores, TimelineSegment } from '../analyzer.js';
import { waveformLines, type Envelope } from '../charts/braille.js';
import { horizontalBar, percent } from '../charts/bars.js';
import { spectrogramLines, type Spectrogram } from '../charts/spectrogram.js';
import { cell } from '../text.js';
import { useTheme, type EmotionStyle } from '../theme.js';

export const GUTTER = 9;

export const WaveformPlot = memo(function WaveformPlot({ envelope, width, height }: { envelope: Envelope; width: number; height: number }) {
  const theme = useTheme();
  const lines = waveformLines(envelope, width, height);
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          <Text color={theme.fg('gray')}>{cell(i === 0 ? 'wave' : '', GUTTER)}</Text>
          <Text color={theme.fg('green')}>{line}</Text>
        </Text>
      ))}
    </Box>
  );
});

export const SpectrogramPlot = memo(function SpectrogramPlot({ spectrogram, width, height, nyquist }: { spectrogram: Spectrogram; width: number; height: number; nyquist: number }) {
  const theme = useTheme();
  const lines = spectrogramLines(spectrogram, width, height, theme.mode);
  const label = (i: number) => (i === 0 ? `${Math.round(nyquist / 1000)} kHz` : i === 1 ? 'mel' : i === lines.length - 1 ? '0 Hz' : '');
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          <Text color={theme.fg('gray')}>{cell(label(i), GUTTER)}</Text>
          {line}
        </Text>
      ))}
    </Box>
  );
});

/** Tick labels every "nice" step (0.5, 1, 2, 5, 10 ... s) so that labels do not crowd. */
export function timeAxis(duration: number, width: number): string {
  const row = Array.from({ length: width }, () => ' ');
  if (width <= 0 || !(duration > 0)) return row.join('');
  const targetTicks = Math.max(1, Math.floor(width / 12));
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const step = steps.find((s) => duration / s <= targetTicks) ?? steps[steps.length - 1]!;
  const label = (t: number) => (step < 1 ? `${t.toFixed(1)}s` : `${Math.round(t)}s`);
  for (let t = 0; t <= duration + 1e-9; t += step) {
    const x = Math.round((t / duration) * (width - 1));
    const text = `┴${label(t)}`;
    if (x + text.length > width) break;
    if (row.slice(x, x + text.length + 1).some((c) => c !== ' ')) continue;
    [...text].forEach((c, k) => (row[x + k] = c));
  }
  return row.join('');
}

/** Per column: the label of the mean scores of the segments covering that instant. */
export function dominantPerColumn(segments: readonly TimelineSegment[], labels: readonly string[], duration: number, width: number): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (let x = 0; x < width; x++) {
    const t = ((x + 0.5) / width) * duration;
    const covering = segments.filter((s) => s.start <= t && t <= s.end);
    if (covering.length === 0) {
      out.push(undefined);
      continue;
    }
    let best: string | undefined;
    let bestScore = -1;
    for (const l of labels) {
      const m = covering.reduce((a, s) => a + (s.scores[l] ?? 0), 0) / covering.length;
      if (m > bestScore) {
        bestScore = m;
        best = l;
      }
    }
    out.push(best);
  }
  return out;
}

/** Runs of equal labels, so a row is a handful of <Text> nodes rather than one per column. */
function runs(cells: readonly (string | undefined)[]): { label: string | undefined; length: number }[] {
  const out: { label: string | undefined; length: number }[] = [];
  for (const c of cells) {
    const last = out[out.length - 1];
    if (last && last.label === c) last.length++;
    else out.push({ label: c, length: 1 });
  }
  return out;
}

function LabelRow({ gutter, cells, styles }: { gutter: string; cells: (string | undefined)[]; styles: Map<string, EmotionStyle> }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text color={theme.fg('gray')}>{cell(gutter, GUTTER)}</Text>
      {runs(cells).map((r, i) => {
        const style = r.label !== undefined ? styles.get(r.label) : undefined;
        const text = (style?.letter ?? (r.label === undefined ? ' ' : '?')).repeat(r.length);
        return (
          <Text key={i} color={style ? theme.fg(style.color) : undefined} inverse={Boolean(style) && theme.mode !== 'none'}>
            {text}
          </Text>
        );
      })}
    </Text>
  );
}

export interface TimelineProps {
  prediction: FilePrediction;
  duration: number;
  width: number;
  /** Rows for individual segments (the "mean" row and the legend come on top). */
  segmentRows: number;
  /** First segment shown (the rows scroll). */
  offset: number;
  styles: Map<string, EmotionStyle>;
}

/** The "mean" row (dominant emotion per instant) and one row per segment (the legend is drawn by the caller). */
export const Timeline = memo(function Timeline({ prediction, duration, width, segmentRows, offset, styles }: TimelineProps) {
  const { segments, labels } = prediction;
  const column = (t: number) => Math.round((t / duration) * width);
  const shown = segments.slice(offset, offset + segmentRows);
  const more = segments.length - offset - shown.length;
  return (
    <Box flexDirection="column">
      <LabelRow gutter="mean" cells={dominantPerColumn(segments, labels, duration, width)} styles={styles} />
      {shown.map((s, i) => {
        const x0 = column(s.start);
        const x1 = Math.max(x0 + 1, column(s.end));
        const cells = Array.from({ length: width }, (_, x) => (x >= x0 && x < x1 ? s.label : undefined));
        const isLast = i === shown.length - 1;
        const gutter = isLast && more > 0 ? `+${more} ↓` : `${seconds(s.start)}-${seconds(s.end)}s`;
        return <LabelRow key={offset + i} gutter={gutter} cells={cells} styles={styles} />;
      })}
    </Box>
  );
});

/** Whole seconds where they are whole (the usual 1 s hop), tenths otherwise (the window aligned to the end). */
function seconds(t: number): string {
  return Math.abs(t - Math.round(t)) < 0.05 ? String(Math.round(t)) : t.toFixed(1);
}

/** "N neutral  H happy ...": what the timeline's letters stand for. */
export function legendText(labels: readonly string[], styles: Map<string, EmotionStyle>): string {
  return `${' '.repeat(GUTTER)}${labels.map((l) => `${styles.get(l)?.letter ?? '?'} ${l}`).join('  ')}`;
}

/** One bar per emotion in the model's order; the top one is marked, bold and coloured. */
export const ProbabilityBars = memo(function ProbabilityBars({ overall, labels, width, styles }: { overall: Scores; labels: readonly string[]; width: number; styles: Map<string, EmotionStyle> }) {
  const theme = useTheme();
  const nameWidth = Math.max(...labels.map((l) => l.length));
  const barWidth = Math.max(4, width - nameWidth - 13);
  return (
    <Box flexDirection="column">
      {labels.map((l) => {
        const p = overall.scores[l] ?? 0;
        const top = l === overall.label;
        const style = styles.get(l);
        return (
          <Text key={l} bold={top} wrap="truncate-end">
            {`${top ? '›' : ' '} ${style?.letter ?? '?'} ${l.padEnd(nameWidth)} `}
            <Text color={style ? theme.fg(style.color) : undefined}>{horizontalBar(p, barWidth)}</Text>
            {` ${percent(p).padStart(6)}`}
          </Text>
        );
      })}
    </Box>
  );
});
