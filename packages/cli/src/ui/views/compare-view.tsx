/**
 * Every audio file of a folder classified, as a sortable table: file | emotion | confidence | expected (the emotion
 * the corpus file name declares, when it follows one). Files are classified one at a time through the Analyzer with
 * a running count; leaving the view cancels what is left, and results already in stay for the next visit.
 */
import { Box, Text } from 'ink';
import { basename } from 'node:path';
import { useEffect, useRef, useState } from 'react';
import { errorLine, isCancelled, type Analyzer, type Classification } from '../analyzer.js';
import { horizontalBar, percent } from '../charts/bars.js';
import { expectedEmotion } from '../expected-label.js';
import { listFolder } from '../files.js';
import { useViewKeys, useLatest, useSpinner, useSyncedState } from '../hooks.js';
import { cell, fitStart, scrollTop, wrappedLines } from '../text.js';
import { emotionStyles, useTheme } from '../theme.js';

export type CompareResult = { ok: true; value: Classification } | { ok: false; message: string };

export const SORT_COLUMNS = ['file', 'label', 'confidence', 'expected'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export interface CompareViewProps {
  dir: string;
  analyzer: Analyzer;
  /** Results by path, kept by the App across visits. */
  cache: Map<string, CompareResult>;
  width: number;
  height: number;
  onBack: () => void;
  onOpen: (file: string, siblings: string[]) => void;
}

interface Row {
  file: string;
  result?: CompareResult;
  expected?: string;
}

const confidence = (r: Row) => (r.result?.ok ? (r.result.value.scores[r.result.value.label] ?? 0) : -1);
const labelOf = (r: Row) => (r.result === undefined ? '\uffff' : r.result.ok ? r.result.value.label : '\ufffe');

/** Rows in the order of `column`; by any column but the name, pending and failed rows sink to the end either way. */
export function sortRows(rows: readonly Row[], column: SortColumn, reverse: boolean): Row[] {
  const byName = (a: Row, b: Row) => basename(a.file).localeCompare(basename(b.file), undefined, { numeric: true });
  const compare: Record<SortColumn, (a: Row, b: Row) => number> = {
    file: byName,
    label: (a, b) => labelOf(a).localeCompare(labelOf(b)) || byName(a, b),
    // Most confident first is the useful default.
    confidence: (a, b) => confidence(b) - confidence(a) || byName(a, b),
    expected: (a, b) => (a.expected ?? '\uffff').localeCompare(b.expected ?? '\uffff') || byName(a, b),
  };
  if (column === 'file') {
    const sorted = [...rows].sort(byName);
    return reverse ? sorted.reverse() : sorted;
  }
  const done = rows.filter((r) => r.result?.ok);
  const rest = rows.filter((r) => !r.result?.ok);
  const sorted = [...done].sort(compare[column]);
  if (reverse) sorted.reverse();
  return [...sorted, ...rest.sort(byName)];
}

export function CompareView({ dir, analyzer, cache, width, height, onBack, onOpen }: CompareViewProps) {
  const theme = useTheme();
  const [files, setFiles] = useState<string[] | undefined>(undefined);
  const [listError, setListError] = useState<string | undefined>(undefined);
  const [, setTick] = useState(0);
  const [sort, getSort, setSort] = useSyncedState<{ column: SortColumn; reverse: boolean }>({ column: 'file', reverse: false });
  const [selected, getSelected, setSelected] = useSyncedState<string | undefined>(undefined);
  const filesRef = useLatest(files);
  const topRef = useRef(0);
  const pending = files ? files.filter((f) => !cache.has(f)).length : 0;
  const working = pending > 0 && listError === undefined;
  const spinner = useSpinner(working);

  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      let list: string[];
      try {
        list = (await listFolder(dir)).filter((e) => e.kind === 'audio').map((e) => e.path);
      } catch (err) {
        if (!abort.signal.aborted) setListError(errorLine(err));
        return;
      }
      if (abort.signal.aborted) return;
      setFiles(list);
      if (list.some((f) => !cache.has(f))) {
        // Without a model every file would fail the same way: say it once instead.
        try {
          await analyzer.model();
        } catch (err) {
          if (!abort.signal.aborted) setListError(errorLine(err));
          return;
        }
      }
      for (const file of list) {
        if (abort.signal.aborted) return;
        if (cache.has(file)) continue;
        try {
          cache.set(file, { ok: true, value: await analyzer.classify(file, { signal: abort.signal }) });
        } catch (err) {
          if (isCancelled(err) || abort.signal.aborted) return;
          cache.set(file, { ok: false, message: errorLine(err) });
        }
        setTick((t) => t + 1);
      }
    })();
    return () => abort.abort();
  }, [dir, analyzer, cache]);

  const rowsNow = (column: SortColumn, reverse: boolean) =>
    sortRows((filesRef.current ?? []).map((file) => ({ file, result: cache.get(file), expected: expectedEmotion(file) })), column, reverse);
  const rows = rowsNow(sort.column, sort.reverse);
  const index = Math.max(0, rows.findIndex((r) => r.file === selected));
  const current = rows[index];
  const failure = current?.result && !current.result.ok ? current.result.message : undefined;
  const failureLines = failure ? wrappedLines(`✗ ${failure}`, width) : 0;
  const listHeight = Math.max(1, height - 3 - (listError ? wrappedLines(`✗ ${listError}`, width) : 0) - failureLines);
  const top = scrollTop(index, rows.length, listHeight, topRef.current);
  topRef.current = top;

  useViewKeys((input, key) => {
    // Read fresh: keys may come faster than frames.
    const { column, reverse } = getSort();
    const list = rowsNow(column, reverse);
    const at = Math.max(0, list.findIndex((r) => r.file === getSelected()));
    const select = (i: number) => {
      const r = list[Math.max(0, Math.min(list.length - 1, i))];
      if (r) setSelected(r.file);
    };
    if (key.escape || key.backspace || key.delete || key.leftArrow || input === 'h') return onBack();
    if (key.upArrow || input === 'k') return select(at - 1);
    if (key.downArrow || input === 'j') return select(at + 1);
    if (key.pageUp) return select(at - listHeight);
    if (key.pageDown) return select(at + listHeight);
    if (key.home || input === 'g') return select(0);
    if (key.end || input === 'G') return select(list.length - 1);
    if (input === 's') return setSort((s) => ({ column: SORT_COLUMNS[(SORT_COLUMNS.indexOf(s.column) + 1) % SORT_COLUMNS.length]!, reverse: false }));
    if (input === 'r') return setSort((s) => ({ ...s, reverse: !s.reverse }));
    if (key.return && list[at]) return onOpen(list[at].file, list.map((r) => r.file));
  });

  const classified = rows.filter((r) => r.result?.ok);
  const labels = classified[0]?.result?.ok ? classified[0].result.value.labels : [];
  const styles = emotionStyles(labels);
  const judged = classified.filter((r) => r.expected !== undefined);
  const agree = judged.filter((r) => r.result?.ok && r.result.value.label === r.expected).length;
  const counts = new Map<string, number>();
  for (const r of classified) if (r.result?.ok) counts.set(r.result.value.label, (counts.get(r.result.value.label) ?? 0) + 1);

  const total = files?.length ?? 0;
  const progress = files === undefined
    ? (listError ? '' : 'listing…')
    : working
      ? `${spinner} classified ${total - pending}/${total}`
      : `classified ${total - pending}/${total}`;
  const agreement = judged.length > 0 ? ` · agrees with the file names on ${agree}/${judged.length} (${percent(agree / judged.length)})` : '';
  const distribution = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l, n]) => `${l} ${n}`).join(' · ');

  const arrow = sort.reverse ? '▲' : '▼';
  const head = (name: SortColumn, text: string) => (sort.column === name ? `${text} ${arrow}` : text);
  const labelWidth = 11;
  const barWidth = 12;
  const expectedWidth = 12;
  const longest = Math.max(4, ...rows.map((r) => basename(r.file).length));
  const fileWidth = Math.max(10, Math.min(longest + 2, width - 2 - labelWidth - (barWidth + 8) - expectedWidth - 3));

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">{`compare ${fitStart(dir, Math.max(10, width - 30))} · ${total} audio file${total === 1 ? '' : 's'}`}</Text>
      <Text color={theme.fg(working ? 'yellow' : 'gray')} wrap="truncate-end">{`${progress}${agreement}${distribution ? ` · ${distribution}` : ''}`}</Text>
      {listError ? <Text color={theme.fg('red')} wrap="wrap">{`✗ ${listError}`}</Text> : null}
      <Text bold color={theme.fg('gray')} wrap="truncate-end">
        {`  ${cell(head('file', 'file'), fileWidth)} ${cell(head('label', 'emotion'), labelWidth)} ${cell(head('confidence', 'confidence'), barWidth + 8)} ${cell(head('expected', 'expected'), expectedWidth)}`}
      </Text>
      {rows.slice(top, top + listHeight).map((r, i) => {
        const isSelected = top + i === index;
        const res = r.result;
        const label = res === undefined ? (working ? '…' : '') : res.ok ? res.value.label : 'error';
        const p = res?.ok ? (res.value.scores[res.value.label] ?? 0) : 0;
        const style = res?.ok ? styles.get(res.value.label) : undefined;
        const mark = r.expected === undefined || !res?.ok ? '' : r.expected === res.value.label ? ' ✓' : ' ✗';
        return (
          <Text key={r.file} inverse={isSelected} wrap="truncate-end">
            {`${isSelected ? '›' : ' '} ${cell(basename(r.file), fileWidth)} `}
            <Text color={res && !res.ok ? theme.fg('red') : style ? theme.fg(style.color) : undefined}>{cell(label, labelWidth)}</Text>
            {` ${res?.ok ? `${horizontalBar(p, barWidth)} ${percent(p).padStart(6)}` : ' '.repeat(barWidth + 7)}  ${cell(`${r.expected ?? ''}${mark}`, expectedWidth)}`}
          </Text>
        );
      })}
      {failure ? <Text color={theme.fg('red')} wrap="wrap">{`✗ ${failure}`}</Text> : null}
    </Box>
  );
}
