/**
 * The training dashboard: follows the progress log of `ser train` (another terminal, or a run left going) and draws
 * the current stage's loss and validation-UAR curves, the finished folds, the epoch and the ETA.
 */
import { Box, Text } from 'ink';
import { basename } from 'node:path';
import { useEffect, useReducer, useState } from 'react';
import { lineChartLines } from '../charts/braille.js';
import { useViewKeys, useLatest, useSyncedState } from '../hooks.js';
import { percent } from '../charts/bars.js';
import { fitStart, wrappedLines } from '../text.js';
import { useTheme, type ColorName } from '../theme.js';
import {
  LineTail,
  NO_TRAINING_RUN,
  estimateCorpusRemaining,
  findLatestProgress,
  formatDuration,
  initialTrainingState,
  parseTrainingLine,
  progressPath,
  reduceTraining,
  type Stage,
  type TrainingState,
} from '../training-progress.js';

export interface TrainViewProps {
  /** Work dir (or progress.jsonl) to follow; default: the latest run under `root`. */
  follow?: string;
  /** Where training runs live (default `$SER_CACHE_DIR/train`). */
  root?: string;
  width: number;
  height: number;
  onBack: () => void;
  /** Poll interval of the log (ms). */
  pollMs?: number;
}

type LogAction = { type: 'lines'; lines: string[]; restarted: boolean };

function logReducer(state: TrainingState, action: LogAction): TrainingState {
  let s = action.restarted ? initialTrainingState : state;
  for (const line of action.lines) {
    const e = parseTrainingLine(line);
    if (e) s = reduceTraining(s, e);
  }
  return s;
}

/** The log to follow (found or given), whether it exists yet, and the state folded from its lines. */
function useTrainingLog(follow: string | undefined, root: string | undefined, pollMs: number) {
  const [path, setPath] = useState<string | undefined>(follow === undefined ? undefined : progressPath(follow));
  const [searched, setSearched] = useState(follow !== undefined);
  const [exists, setExists] = useState(false);
  const [state, dispatch] = useReducer(logReducer, initialTrainingState);

  useEffect(() => {
    if (path !== undefined) return;
    // No run yet: keep looking, so starting `ser train` elsewhere makes it appear here.
    let live = true;
    const look = async () => {
      const found = await findLatestProgress(root);
      if (!live) return;
      setSearched(true);
      if (found) setPath(found);
    };
    void look();
    const timer = setInterval(() => void look(), Math.max(pollMs, 1000));
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [path, root, pollMs]);

  useEffect(() => {
    if (path === undefined) return;
    const tail = new LineTail(path);
    tail.start((lines, restarted) => dispatch({ type: 'lines', lines, restarted }), setExists, pollMs);
    return () => tail.stop();
  }, [path, pollMs]);

  return { path, searched, exists, state };
}

/** Re-renders every second, for "updated 3 s ago". */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function TrainView({ follow, root, width, height, onBack, pollMs = 500 }: TrainViewProps) {
  const theme = useTheme();
  const { path, searched, exists, state } = useTrainingLog(follow, root, pollMs);
  const [chosen, getChosen, setChosen] = useSyncedState<number | undefined>(undefined);
  const stageCount = useLatest(state.stages.length);
  const now = useNow();
  const stages = state.stages;
  const index = chosen === undefined ? stages.length - 1 : Math.min(chosen, stages.length - 1);
  const stage = stages[index];

  useViewKeys((input, key) => {
    if (key.escape || key.backspace || key.delete || input === 'h') return onBack();
    const count = stageCount.current;
    const at = getChosen() ?? count - 1;
    if (key.leftArrow && count > 0) return setChosen(Math.max(0, at - 1));
    // Stepping onto the newest stage follows it again.
    if (key.rightArrow && count > 0) return setChosen(at + 1 >= count - 1 ? undefined : at + 1);
    if (input === 'f') return setChosen(undefined);
  });

  if (path === undefined) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold>training dashboard</Text>
        <Text color={theme.fg('yellow')} wrap="wrap">{searched ? NO_TRAINING_RUN : 'looking for training runs…'}</Text>
        <Text color={theme.fg('gray')} wrap="wrap">
          {searched ? 'or open a run with `ser ui --follow <work dir>`; this view picks up a run as soon as it starts.' : ''}
        </Text>
      </Box>
    );
  }

  const start = state.start;
  const title = start
    ? `training ${start.arch} on ${start.corpora.map((c) => basename(c)).join(' + ')} · ${start.runs} run${start.runs === 1 ? '' : 's'}${start.time ? ` · started ${clock(start.time)}` : ''}${start.resumed ? ' (resumed)' : ''}`
    : 'training dashboard';
  const age = state.lastTime ? ` · updated ${formatDuration(Math.max(0, (now - Date.parse(state.lastTime)) / 1000))} ago` : '';
  const following = `following ${fitStart(path, Math.max(20, width - 40))}${age}`;
  const status = statusLine(state, exists);
  const foldsText = foldsLine(state);
  const foldLines = foldsText ? Math.min(3, wrappedLines(foldsText, width)) : 0;
  const statusLines = wrappedLines(status.text, width);
  const chartRows = Math.max(2, height - 4 - foldLines - statusLines - 3);
  const sideBySide = width >= 80;
  const chartWidth = sideBySide ? Math.floor((width - 2) / 2) : width;
  const chartHeight = sideBySide ? chartRows : Math.max(2, Math.floor((chartRows - 3) / 2));

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">{title}</Text>
      <Text color={theme.fg('gray')} wrap="truncate-end">{following}</Text>
      <Text wrap="truncate-end">{stage ? stageLine(stage, index, stages.length, chosen !== undefined) : 'no epoch finished yet'}</Text>
      <Text color={theme.fg('gray')} wrap="truncate-end">{stage ? etaLine(state, stage, chosen === undefined) : ' '}</Text>
      <Box flexDirection={sideBySide ? 'row' : 'column'}>
        <Chart title="training loss" values={stage?.points.map((p) => p.loss) ?? []} width={chartWidth} height={chartHeight} format={(v) => v.toFixed(2)} color="cyan" />
        {sideBySide ? <Box width={2} /> : null}
        <Chart
          title="validation UAR"
          values={stage?.points.map((p) => p.valUar) ?? []}
          width={chartWidth}
          height={chartHeight}
          format={(v) => percent(v)}
          color="green"
          empty="no validation split in this stage (e.g. --seed-recipe, or the final model)"
        />
      </Box>
      {foldsText ? <Text wrap="wrap">{foldsText}</Text> : null}
      <Text color={theme.fg(status.color)} wrap="wrap">{status.text}</Text>
    </Box>
  );
}

function Chart({ title, values, width, height, format, color, empty }: { title: string; values: (number | undefined)[]; width: number; height: number; format: (v: number) => string; color: ColorName; empty?: string }) {
  const theme = useTheme();
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const axis = 8;
  const plotWidth = Math.max(4, width - axis - 1);
  if (finite.length === 0) {
    return (
      <Box flexDirection="column" width={width}>
        <Text bold wrap="truncate-end">{title}</Text>
        <Text color={theme.fg('gray')} wrap="wrap">{values.length > 0 && empty ? empty : 'waiting for the first epoch…'}</Text>
      </Box>
    );
  }
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const pad = hi > lo ? 0 : Math.max(0.01, Math.abs(hi) * 0.05);
  const lines = lineChartLines(values, plotWidth, height, { min: lo - pad, max: hi + pad });
  const last = finite[finite.length - 1]!;
  const best = title.includes('UAR') ? `best ${format(hi)}` : `lowest ${format(lo)}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end">{`${title}: ${format(last)} (${best})`}</Text>
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          <Text color={theme.fg('gray')}>{`${i === 0 ? format(hi + pad) : i === lines.length - 1 ? format(lo - pad) : ''}`.padStart(axis - 1)} ┤</Text>
          <Text color={theme.fg(color)}>{line}</Text>
        </Text>
      ))}
      <Text color={theme.fg('gray')} wrap="truncate-end">{`${' '.repeat(axis)}epoch 1${`${values.length}`.padStart(Math.max(1, plotWidth - 7))}`}</Text>
    </Box>
  );
}

function clock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toTimeString().slice(0, 5);
}

function stageLine(stage: Stage, index: number, count: number, pinned: boolean): string {
  const p = stage.points[stage.points.length - 1]!;
  const val = p.valUar !== undefined ? ` · val UAR ${percent(p.valUar)}` : '';
  // First, so that a narrow terminal cuts the figures rather than the hint that this is not the live stage.
  const which = pinned ? `stage ${index + 1} of ${count} (f: current) · ` : '';
  return `${which}${stage.name} · epoch ${p.epoch}/${stage.epochs} · loss ${p.loss.toFixed(3)} · acc ${percent(p.accuracy)}${val} · ${p.seconds.toFixed(1)} s/epoch`;
}

function etaLine(state: TrainingState, stage: Stage, current: boolean): string {
  if (!current || state.status !== 'running') return `${stage.points.length} epochs`;
  const corpus = estimateCorpusRemaining(state);
  const rest = corpus !== undefined ? ` · ${stage.corpus} cross-validation ≈ ${formatDuration(corpus)}` : '';
  return `ETA this stage ${formatDuration(stage.etaSeconds)} (early stopping may end it sooner)${rest}`;
}

function foldsLine(state: TrainingState): string {
  if (state.folds.length === 0) return '';
  const parts = state.folds.map((f) => `${f.foldName} ${percent(f.uar)}`);
  const mean = state.folds.reduce((a, f) => a + f.uar, 0) / state.folds.length;
  return `folds done ${state.folds.length}: ${parts.join(' · ')} · mean UAR ${percent(mean)}`;
}

function statusLine(state: TrainingState, exists: boolean): { text: string; color: ColorName } {
  if (!exists) return { text: 'waiting for the log to appear (the run writes it when it starts)…', color: 'yellow' };
  switch (state.status) {
    case 'waiting':
      return { text: 'waiting for the first event…', color: 'yellow' };
    case 'running':
      return { text: '● running', color: 'green' };
    case 'finished': {
      const corpora = (state.summary?.corpora as { corpus?: string; uar?: unknown }[] | undefined) ?? [];
      const uars = corpora.map((c) => `${c.corpus ?? '?'} UAR ${typeof c.uar === 'number' ? percent(c.uar) : describeUar(c.uar)}`);
      return { text: `✓ finished${uars.length ? `: ${uars.join(' · ')}` : ''}`, color: 'green' };
    }
    case 'failed':
      return { text: `✗ training failed: ${state.error ?? 'unknown error'}`, color: 'red' };
  }
}

/** A summary UAR may be { mean, std } (several runs); anything else is shown as it is. */
function describeUar(u: unknown): string {
  if (u && typeof u === 'object' && 'mean' in u && typeof (u as { mean: unknown }).mean === 'number') {
    const { mean, std } = u as { mean: number; std?: number };
    return `${percent(mean)}${typeof std === 'number' ? ` ± ${percent(std)}` : ''}`;
  }
  return JSON.stringify(u);
}
