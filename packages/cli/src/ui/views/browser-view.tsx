/**
 * The file browser: folders and audio files of one folder, a name filter, and the doors to the other views. Its state
 * lives in the App, so coming back from a file or the compare view finds the same folder, filter and selection.
 */
import { Box, Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { useViewKeys, useLatest } from '../hooks.js';
import { errorLine } from '../analyzer.js';
import { filterEntries, formatBytes, listFolder, type DirEntry } from '../files.js';
import { fitEnd, fitStart, scrollTop } from '../text.js';
import { useTheme } from '../theme.js';

export interface BrowserState {
  dir: string;
  /** Path of the selected entry (kept by path, so filtering does not move the selection to another file). */
  selected?: string;
  filter: string;
  /** Typing goes into the filter (q and ? are letters then, not commands). */
  editing: boolean;
}

export interface BrowserViewProps {
  state: BrowserState;
  /** The latest state, which may be newer than `state` while keys arrive faster than frames. */
  getState: () => BrowserState;
  update: (next: (prev: BrowserState) => BrowserState) => void;
  width: number;
  height: number;
  onOpenFile: (file: string, siblings: string[]) => void;
  onCompare: (dir: string) => void;
  onTrain: () => void;
}

/** Index of the selected entry; without one, the first real entry rather than "..". */
function selectedIndex(shown: readonly DirEntry[], selected: string | undefined): number {
  const found = shown.findIndex((e) => e.path === selected);
  if (found >= 0) return found;
  return shown.length > 1 && shown[0]?.kind === 'parent' ? 1 : 0;
}

/** Rows above the list: the folder, the filter or counts line, and an error line when there is one. */
const headerRows = (error: string | undefined) => 2 + (error ? 1 : 0);

export function BrowserView({ state, getState, update, width, height, onOpenFile, onCompare, onTrain }: BrowserViewProps) {
  const theme = useTheme();
  const [entries, setEntries] = useState<DirEntry[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const entriesRef = useLatest(entries);
  const errorRef = useLatest(error);
  const topRef = useRef(0);

  /** The folder whose listing `entries` holds, so a folder listed by `enter` is not listed again. */
  const listed = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (listed.current === state.dir) return;
    let live = true;
    listFolder(state.dir).then(
      (list) => {
        if (!live) return;
        listed.current = state.dir;
        setEntries(list);
        setError(undefined);
      },
      (err: unknown) => {
        if (!live) return;
        setEntries((old) => old ?? []);
        setError(errorLine(err));
      },
    );
    return () => {
      live = false;
    };
  }, [state.dir]);

  const shown = filterEntries(entries ?? [], state.filter);
  const index = selectedIndex(shown, state.selected);
  const audioFiles = (entries ?? []).filter((e) => e.kind === 'audio');
  const listHeight = Math.max(1, height - headerRows(error));
  const top = scrollTop(index, shown.length, listHeight, topRef.current);
  topRef.current = top;

  useViewKeys((input, key) => {
    // Everything is read fresh: this handler may run again before the frame of the previous key is drawn.
    const s = getState();
    const all = entriesRef.current ?? [];
    const list = filterEntries(all, s.filter);
    const at = selectedIndex(list, s.selected);
    const page = Math.max(1, height - headerRows(errorRef.current));
    const select = (i: number) => {
      const e = list[Math.max(0, Math.min(list.length - 1, i))];
      if (e) update((prev) => ({ ...prev, selected: e.path }));
    };
    /**
     * Enters a folder once it is listed, so a folder that cannot be read leaves the browser where it was (with the
     * reason on one line). Going up, the selection lands on the folder we came from.
     */
    const enter = (dir: string, selected?: string) => {
      listFolder(dir).then(
        (list) => {
          listed.current = dir;
          setEntries(list);
          setError(undefined);
          update(() => ({ dir, filter: '', editing: false, ...(selected ? { selected } : {}) }));
        },
        (err: unknown) => setError(errorLine(err)),
      );
    };
    const goUp = () => {
      const parent = all.find((e) => e.kind === 'parent');
      if (parent) enter(parent.path, s.dir);
    };
    const open = (e: DirEntry | undefined) => {
      if (!e) return;
      if (e.kind === 'audio') onOpenFile(e.path, list.filter((x) => x.kind === 'audio').map((x) => x.path));
      else if (e.kind === 'parent') goUp();
      else enter(e.path);
    };

    if (key.upArrow) return select(at - 1);
    if (key.downArrow) return select(at + 1);
    if (key.pageUp) return select(at - page);
    if (key.pageDown) return select(at + page);
    if (key.home) return select(0);
    if (key.end) return select(list.length - 1);
    if (s.editing) {
      if (key.escape) return update((prev) => ({ ...prev, filter: '', editing: false }));
      if (key.return) return update((prev) => ({ ...prev, editing: false }));
      if (key.backspace || key.delete) return update((prev) => ({ ...prev, filter: prev.filter.slice(0, -1) }));
      if (input && input >= ' ' && !key.ctrl && !key.meta && !key.tab) return update((prev) => ({ ...prev, filter: prev.filter + input }));
      return;
    }
    if (key.return || key.rightArrow || input === 'l') return open(list[at]);
    if (key.backspace || key.delete || key.leftArrow || input === 'h') return goUp();
    if (key.escape) return update((prev) => ({ ...prev, filter: '' }));
    if (input === 'k') return select(at - 1);
    if (input === 'j') return select(at + 1);
    if (input === 'g') return select(0);
    if (input === 'G') return select(list.length - 1);
    if (input === '/') return update((prev) => ({ ...prev, editing: true }));
    if (input === 'c') return onCompare(s.dir);
    if (input === 't') return onTrain();
  });

  const folders = (entries ?? []).filter((e) => e.kind === 'dir').length;
  const counts = `${audioFiles.length} audio file${audioFiles.length === 1 ? '' : 's'}, ${folders} folder${folders === 1 ? '' : 's'}`;
  const matches = shown.filter((e) => e.kind !== 'parent').length;
  const filterLine = state.editing || state.filter
    ? `filter: ${state.filter}${state.editing ? '▏' : ''}  (${matches} match${matches === 1 ? '' : 'es'}${state.editing ? ' · Enter keeps it, Esc clears it' : ' · Esc clears it'})`
    : entries === undefined ? 'reading…' : `${counts} · / filters by name`;
  const nameWidth = Math.max(8, width - 14);

  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold wrap="truncate-end">{fitStart(state.dir, width)}</Text>
      <Text color={state.editing ? theme.fg('yellow') : theme.fg('gray')} wrap="truncate-end">{filterLine}</Text>
      {error ? <Text color={theme.fg('red')} wrap="truncate-end">{`✗ ${error}`}</Text> : null}
      {!shown.some((e) => e.kind !== 'parent') && entries !== undefined ? (
        <Text color={theme.fg('gray')}>{state.filter ? `  nothing matches "${state.filter}"` : '  no folders or audio files here'}</Text>
      ) : null}
      {shown.slice(top, top + listHeight).map((e, i) => {
        const selected = top + i === index;
        const name = e.kind === 'audio' ? e.name : `${e.name}/`;
        const size = e.kind === 'audio' && e.size !== undefined ? formatBytes(e.size) : '';
        const color = e.kind === 'audio' ? undefined : theme.fg('cyan');
        return (
          <Text key={e.path} inverse={selected} color={color} wrap="truncate-end">
            {`${selected ? '›' : ' '} ${fitEnd(name, nameWidth).padEnd(nameWidth)} ${size.padStart(10)}`}
          </Text>
        );
      })}
    </Box>
  );
}
