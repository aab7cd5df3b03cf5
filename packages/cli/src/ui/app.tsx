/**
 * The root of `ser ui`: a stack of views over the browser (browser -> file, browser -> compare -> file, browser ->
 * training), the global keys (q, Ctrl-C, ?), the header with the model's state, and the footer with key hints.
 * Views are kept mounted under the help overlay (hidden, not unmounted), so closing it loses nothing.
 */
import { Box, Text, useApp } from 'ink';
import { dirname, resolve } from 'node:path';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorLine, type Analysis, type Analyzer, type ModelInfo } from './analyzer.js';
import { KeyRouterContext, ViewIdContext, useKeys, useSyncedState, useTerminalSize, type KeyRouter } from './hooks.js';
import { VIEW_TITLES, footerText, type ViewName } from './keys.js';
import { LruMap } from './lru.js';
import { fitEnd, fitStart, wrappedLines } from './text.js';
import { ThemeProvider, useTheme, type ColorMode } from './theme.js';
import { BrowserView, type BrowserState } from './views/browser-view.js';
import { CompareView, type CompareResult } from './views/compare-view.js';
import { FileView } from './views/file-view.js';
import { HelpOverlay } from './views/help-overlay.js';
import { TrainView } from './views/train-view.js';

export type Screen =
  | { kind: 'browser' }
  | { kind: 'file'; file: string; siblings: string[] }
  | { kind: 'compare'; dir: string }
  | { kind: 'train' };

/** A screen on the stack; the id names its key handler and keeps its React identity. */
type Entry = Screen & { id: number };

export interface AppProps {
  analyzer: Analyzer;
  /** Folder the browser opens in. */
  startDir: string;
  /** An audio file to open straight away (`ser ui some.wav`). */
  startFile?: string;
  /** 'train' opens the training dashboard first (Esc then shows the browser). */
  initialView?: 'browser' | 'train';
  /** Training work dir (or its progress.jsonl) for the dashboard; default: the latest run. */
  follow?: string;
  /** Where the dashboard looks for runs (default `$SER_CACHE_DIR/train`). */
  trainRoot?: string;
  /** Default: detected from NO_COLOR, FORCE_COLOR and the terminal. */
  colorMode: ColorMode;
  /** Poll interval of the training log (ms). */
  pollMs?: number;
  /** Called once when the user quits, before the app unmounts. */
  onQuit?: () => void;
  /** Subscribes to warnings that belong to no view (the worker's); returns the unsubscribe function. */
  subscribeWarnings?: (listener: (message: string) => void) => () => void;
}

/** Analyses kept for going back and forth (each holds a reduced spectrogram of ~160 kB). */
const ANALYSES_KEPT = 48;

type ModelState = { kind: 'loading' } | { kind: 'ready'; info: ModelInfo } | { kind: 'failed'; message: string };

export function App(props: AppProps) {
  return (
    <ThemeProvider mode={props.colorMode}>
      <Shell {...props} />
    </ThemeProvider>
  );
}

function Shell({ analyzer, startDir, startFile, initialView, follow, trainRoot, pollMs, onQuit, subscribeWarnings }: AppProps) {
  const { exit } = useApp();
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const nextId = useRef(1);
  const [stack, getStack, setStack] = useSyncedState<Entry[]>(() => {
    const base: Entry[] = [{ kind: 'browser', id: 0 }];
    if (startFile) base.push({ kind: 'file', file: resolve(startFile), siblings: [resolve(startFile)], id: nextId.current++ });
    else if (initialView === 'train') base.push({ kind: 'train', id: nextId.current++ });
    return base;
  });
  const router = useRef<KeyRouter>({ handlers: new Map() }).current;
  const [browser, getBrowser, setBrowser] = useSyncedState<BrowserState>(() => ({
    dir: resolve(startFile ? dirname(startFile) : startDir),
    filter: '',
    editing: false,
    ...(startFile ? { selected: resolve(startFile) } : {}),
  }));
  const [help, getHelp, setHelp] = useSyncedState(false);
  const [model, setModel] = useState<ModelState>({ kind: 'loading' });
  const [warning, setWarning] = useState<string | undefined>(undefined);
  const analyses = useRef(new LruMap<string, Analysis>(ANALYSES_KEPT)).current;
  const classifications = useRef(new Map<string, CompareResult>()).current;
  const quitting = useRef(false);

  useEffect(() => {
    let live = true;
    analyzer.model().then(
      (info) => live && setModel({ kind: 'ready', info }),
      (err: unknown) => live && setModel({ kind: 'failed', message: errorLine(err) }),
    );
    return () => {
      live = false;
    };
  }, [analyzer]);

  useEffect(() => subscribeWarnings?.(setWarning), [subscribeWarnings]);

  const screen = stack[stack.length - 1]!;
  const view: ViewName = screen.kind;
  const push = useCallback((s: Screen) => setStack((st) => [...st, { ...s, id: nextId.current++ }]), [setStack]);
  const back = useCallback(() => setStack((st) => (st.length > 1 ? st.slice(0, -1) : st)), [setStack]);
  /** n / p in the file view: the next or previous file of the list it was opened from. */
  const step = useCallback(
    (delta: number) => {
      const st = getStack();
      const top = st[st.length - 1];
      if (top?.kind !== 'file' || top.siblings.length < 2) return;
      const n = top.siblings.length;
      const at = Math.max(0, top.siblings.indexOf(top.file));
      const file = top.siblings[(((at + delta) % n) + n) % n]!;
      setStack([...st.slice(0, -1), { ...top, file }]);
      // Keep the browser's selection on the file shown, so Esc lands on it.
      if (st[st.length - 2]?.kind === 'browser') setBrowser((b) => ({ ...b, selected: file }));
    },
    [getStack, setStack, setBrowser],
  );
  const quit = () => {
    if (quitting.current) return;
    quitting.current = true;
    onQuit?.();
    exit();
  };

  // The only input subscription: global keys first, then the view on top (see KeyRouter).
  useKeys((input, key) => {
    if (key.ctrl && input === 'c') return quit();
    const st = getStack();
    const top = st[st.length - 1]!;
    const typing = top.kind === 'browser' && getBrowser().editing;
    if (getHelp()) {
      if (input === 'q') return quit();
      if (input === '?' || key.escape) setHelp(false);
      return;
    }
    if (!typing && input === 'q') return quit();
    if (!typing && input === '?') return setHelp(true);
    router.handlers.get(top.id)?.(input, key);
  });

  // Ink redraws the whole screen when a frame is as tall as the terminal, so frames stay one row shorter.
  const height = Math.max(6, rows - 1);
  const width = Math.max(20, columns);
  const modelLine = model.kind === 'failed' ? `✗ model: ${model.message}` : undefined;
  const statusText = modelLine ?? (warning ? `! ${warning}` : undefined);
  const statusLines = statusText ? wrappedLines(statusText, width) : 0;
  const bodyHeight = Math.max(3, height - 2 - statusLines);

  const where = screen.kind === 'file' ? screen.file : screen.kind === 'compare' ? screen.dir : screen.kind === 'train' ? (follow ?? 'latest run') : browser.dir;
  const modelText = model.kind === 'ready' ? `model ${model.info.name} · ${model.info.engine}` : model.kind === 'loading' ? 'model: loading…' : 'model: unavailable';
  const titleText = `ser · ${VIEW_TITLES[view]} · `;
  const whereWidth = Math.max(8, width - titleText.length - modelText.length - 2);

  const renderScreen = (s: Entry) => {
    const common = { width, height: bodyHeight };
    switch (s.kind) {
      case 'browser':
        return (
          <BrowserView
            {...common}
            state={browser}
            getState={getBrowser}
            update={setBrowser}
            onOpenFile={(file, siblings) => push({ kind: 'file', file, siblings })}
            onCompare={(dir) => push({ kind: 'compare', dir })}
            onTrain={() => push({ kind: 'train' })}
          />
        );
      case 'file':
        return (
          <FileView
            {...common}
            file={s.file}
            siblings={s.siblings}
            analyzer={analyzer}
            cache={analyses}
            {...(model.kind === 'failed' ? { modelError: model.message } : {})}
            onBack={back}
            onStep={step}
          />
        );
      case 'compare':
        return (
          <CompareView
            {...common}
            dir={s.dir}
            analyzer={analyzer}
            cache={classifications}
            onBack={back}
            onOpen={(file, siblings) => push({ kind: 'file', file, siblings })}
          />
        );
      case 'train':
        return <TrainView {...common} {...(follow ? { follow } : {})} {...(trainRoot ? { root: trainRoot } : {})} {...(pollMs ? { pollMs } : {})} onBack={back} />;
    }
  };

  return (
    <KeyRouterContext.Provider value={router}>
      <Box flexDirection="column" width={width} height={height}>
        <Box width={width} justifyContent="space-between">
          <Text wrap="truncate-end">
            <Text bold color={theme.fg('magenta')}>
              ser
            </Text>
            <Text>{` · ${VIEW_TITLES[view]} · `}</Text>
            <Text color={theme.fg('gray')}>{fitStart(where, whereWidth)}</Text>
          </Text>
          <Text color={theme.fg(model.kind === 'failed' ? 'red' : 'gray')} wrap="truncate-end">
            {fitEnd(modelText, Math.max(0, width - titleText.length - 10))}
          </Text>
        </Box>
        {statusText ? (
          <Text color={theme.fg(modelLine ? 'red' : 'yellow')} wrap="wrap">
            {statusText}
          </Text>
        ) : null}
        <Box height={bodyHeight} flexDirection="column" overflow="hidden">
          {help ? <HelpOverlay view={view} width={width} /> : null}
          <Box display={help ? 'none' : 'flex'} flexDirection="column">
            {stack.map((s, i) => (
              // Views below the top stay mounted (their state survives) but take no room; keys go to the top only.
              <ViewIdContext.Provider key={s.id} value={s.id}>
                <Box display={i === stack.length - 1 ? 'flex' : 'none'}>{renderScreen(s)}</Box>
              </ViewIdContext.Provider>
            ))}
          </Box>
        </Box>
        <Text color={theme.fg('gray')} wrap="truncate-end">
          {help ? '? or Esc closes the help · q quits' : footerText(view, width)}
        </Text>
      </Box>
    </KeyRouterContext.Provider>
  );
}
