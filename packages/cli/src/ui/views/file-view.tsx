/**
 * One recording: waveform, spectrogram and emotion timeline on a shared time axis, and the emotion probabilities.
 * The analysis runs in the Analyzer (a worker in `ser ui`); meanwhile a spinner turns and every key still works.
 */
import { Box, Text } from 'ink';
import { basename } from 'node:path';
import { useEffect, useState } from 'react';
import { errorLine, isCancelled, type Analysis, type Analyzer } from '../analyzer.js';
import { useViewKeys, useLatest, useSpinner } from '../hooks.js';
import { dbfs, fitEnd, formatSeconds, wrappedLines } from '../text.js';
import type { LruMap } from '../lru.js';
import { emotionStyles, useTheme } from '../theme.js';
import { GUTTER, ProbabilityBars, SpectrogramPlot, Timeline, WaveformPlot, legendText, timeAxis } from './plots.js';

export interface FileViewProps {
  file: string;
  /** Audio files of the same folder, for n / p. */
  siblings: string[];
  analyzer: Analyzer;
  /** Finished analyses by path: coming back to a file shows it at once. */
  cache: LruMap<string, Analysis>;
  /** The model's load error, already shown by the App: not repeated here. */
  modelError?: string;
  width: number;
  height: number;
  onBack: () => void;
  /** n / p: show the next (+1) or previous (-1) sibling. */
  onStep: (delta: number) => void;
}

type Status = { kind: 'loading' } | { kind: 'done'; analysis: Analysis } | { kind: 'failed'; message: string };

/** The bars go beside the plots from this width on, below them otherwise. */
const SIDE_PANEL_MIN_WIDTH = 96;
const PANEL_WIDTH = 36;

export function FileView({ file, siblings, analyzer, cache, modelError, width, height, onBack, onStep }: FileViewProps) {
  const theme = useTheme();
  const [status, setStatus] = useState<Status>(() => {
    const hit = cache.get(file);
    return hit ? { kind: 'done', analysis: hit } : { kind: 'loading' };
  });
  const [offset, setOffset] = useState(0);
  const spinner = useSpinner(status.kind === 'loading');

  useEffect(() => {
    setOffset(0);
    const hit = cache.get(file);
    if (hit) {
      setStatus({ kind: 'done', analysis: hit });
      return;
    }
    setStatus({ kind: 'loading' });
    const abort = new AbortController();
    analyzer.analyze(file, { signal: abort.signal }).then(
      (analysis) => {
        cache.set(file, analysis);
        if (!abort.signal.aborted) setStatus({ kind: 'done', analysis });
      },
      (err: unknown) => {
        if (!isCancelled(err) && !abort.signal.aborted) setStatus({ kind: 'failed', message: errorLine(err) });
      },
    );
    return () => abort.abort();
  }, [file, analyzer, cache]);

  const at = siblings.indexOf(file);
  const segments = useLatest(status.kind === 'done' ? (status.analysis.prediction?.segments.length ?? 0) : 0);
  useViewKeys((input, key) => {
    if (key.escape || key.backspace || key.delete || key.leftArrow || input === 'h') return onBack();
    if (input === 'n') return onStep(1);
    if (input === 'p') return onStep(-1);
    if (key.upArrow || input === 'k') return setOffset((o) => Math.max(0, o - 1));
    if (key.downArrow || input === 'j') return setOffset((o) => Math.max(0, Math.min(segments.current - 1, o + 1)));
  });

  const position = at >= 0 ? ` (${at + 1}/${siblings.length})` : '';
  if (status.kind === 'loading') {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold wrap="truncate-end">{`${basename(file)}${position}`}</Text>
        <Text color={theme.fg('yellow')}>{`${spinner} analysing ${basename(file)}… (decoding, spectrogram, emotions over time)`}</Text>
        <Text color={theme.fg('gray')}>Esc goes back, q quits: the analysis runs in the background.</Text>
      </Box>
    );
  }
  if (status.kind === 'failed') {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold wrap="truncate-end">{`${basename(file)}${position}`}</Text>
        <Text color={theme.fg('red')} wrap="wrap">{`✗ ${status.message}`}</Text>
        <Text color={theme.fg('gray')}>Esc goes back{siblings.length > 1 ? ', n / p open the next or previous file' : ''}.</Text>
      </Box>
    );
  }
  return (
    <AnalysisLayout analysis={status.analysis} title={`${basename(file)}${position}`} width={width} height={height} offset={offset} modelError={modelError} />
  );
}

interface LayoutProps {
  analysis: Analysis;
  title: string;
  width: number;
  height: number;
  offset: number;
  modelError: string | undefined;
}

function AnalysisLayout({ analysis, title, width, height, offset, modelError }: LayoutProps) {
  const theme = useTheme();
  const { prediction } = analysis;
  const labels = prediction?.labels ?? [];
  const styles = emotionStyles(labels);
  const side = width >= SIDE_PANEL_MIN_WIDTH;
  const plotWidth = Math.max(10, (side ? width - PANEL_WIDTH - 2 : width) - GUTTER);
  const why = analysis.predictionError === undefined ? [] : analysis.predictionError === modelError ? ['no emotions without a model (see the line at the top)'] : [`✗ ${analysis.predictionError}`];
  const notes = [...analysis.warnings.map((w) => `! ${w}`), ...why];
  const noteLines = notes.reduce((n, t) => n + wrappedLines(t, side ? PANEL_WIDTH : width), 0);
  const legend = prediction ? legendText(labels, styles) : '';
  const legendLines = prediction ? wrappedLines(legend, width) : 0;
  // Fixed rows: title, time axis, the timeline's "mean" row, the legend, and the bars when they go below the plots.
  const below = side ? 0 : (prediction ? labels.length + 1 : 0) + noteLines;
  const free = Math.max(4, height - 2 - (prediction ? 1 : 0) - legendLines - below);
  // Segment rows get what they need up to 40 % of the room; waveform and spectrogram share the rest.
  const segmentCount = prediction?.segments.length ?? 0;
  const segmentRows = Math.max(0, Math.min(segmentCount, Math.floor(free * 0.4), free - 4));
  const rest = free - segmentRows;
  const waveHeight = Math.max(2, Math.min(12, Math.round(rest * 0.4)));
  const specHeight = Math.max(2, Math.min(24, rest - waveHeight));
  const first = Math.min(offset, Math.max(0, segmentCount - segmentRows));
  const summary = `${formatSeconds(analysis.duration)} · ${analysis.sampleRate / 1000} kHz · peak ${dbfs(analysis.peak)} · analysed in ${analysis.seconds.toFixed(1)} s`;

  const plots = (
    <Box flexDirection="column" width={plotWidth + GUTTER}>
      <WaveformPlot envelope={analysis.envelope} width={plotWidth} height={waveHeight} />
      <Text color={theme.fg('gray')} wrap="truncate-end">{' '.repeat(GUTTER) + timeAxis(analysis.duration, plotWidth)}</Text>
      <SpectrogramPlot spectrogram={analysis.spectrogram} width={plotWidth} height={specHeight} nyquist={analysis.sampleRate / 2} />
      {prediction ? (
        <Timeline prediction={prediction} duration={analysis.duration} width={plotWidth} segmentRows={segmentRows} offset={first} styles={styles} />
      ) : null}
    </Box>
  );
  const panelWidth = side ? PANEL_WIDTH : width;
  const panel = (
    <Box flexDirection="column" width={panelWidth}>
      {prediction ? (
        <>
          <Text bold wrap="truncate-end">
            {'emotion: '}
            <Text color={theme.fg(styles.get(prediction.overall.label)?.color ?? 'white')}>{prediction.overall.label}</Text>
            {` ${(100 * (prediction.overall.scores[prediction.overall.label] ?? 0)).toFixed(1)}%`}
          </Text>
          <ProbabilityBars overall={prediction.overall} labels={labels} width={panelWidth} styles={styles} />
        </>
      ) : null}
      {notes.map((n, i) => (
        <Text key={i} color={theme.fg(n.startsWith('✗') ? 'red' : n.startsWith('!') ? 'yellow' : 'gray')} wrap="wrap">
          {n}
        </Text>
      ))}
    </Box>
  );
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        <Text bold>{title}</Text>
        <Text color={theme.fg('gray')}>{fitEnd(`  ${summary}`, Math.max(0, width - title.length))}</Text>
      </Text>
      {side ? (
        <Box flexDirection="row">
          {plots}
          <Box marginLeft={2}>{panel}</Box>
        </Box>
      ) : (
        plots
      )}
      {prediction ? (
        <Text color={theme.fg('gray')} wrap="wrap">
          {legend}
        </Text>
      ) : null}
      {side ? null : panel}
    </Box>
  );
}
