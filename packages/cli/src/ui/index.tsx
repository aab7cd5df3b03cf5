/**
 * `ser ui`: the interactive terminal UI. runUi checks that there is a terminal to draw on, starts the analysis worker,
 * draws the App on the terminal's alternate screen (so the shell's scrollback is left as it was) and returns the
 * exit code when the user quits.
 */
import { render } from 'ink';
import { stat } from 'node:fs/promises';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import type { EngineChoice } from '@ser/core';
import { App } from './app.js';
import { errorLine } from './analyzer.js';
import { isAudioFileName } from './files.js';
import { detectColorMode } from './theme.js';
import { WorkerAnalyzer } from './worker-analyzer.js';

export interface UiOptions {
  /** Folder the browser opens in; an audio file opens its folder with that file analysed. */
  startDir: string;
  /** Model folder; default: EmotionModel's default ($SER_MODEL_DIR or models/default/). */
  model?: string;
  engine: EngineChoice;
  /** 'train' opens the training dashboard first. */
  view?: 'browser' | 'train';
  /** Training work dir (or its progress.jsonl) for the dashboard; default: the latest run under $SER_CACHE_DIR/train. */
  follow?: string;
}

export interface UiIo {
  out(text: string): void;
  err(text: string): void;
}

export const NOT_A_TERMINAL =
  'ser ui needs an interactive terminal; for scripts use `ser predict`, `ser features`, `ser info` (see ser --help)';

const processIo: UiIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

/** The folder to browse and, for `ser ui file.wav`, the file to open; or the one line that says what is wrong. */
async function resolveStart(path: string): Promise<{ dir: string; file?: string } | { error: string }> {
  const full = resolve(path);
  try {
    const s = await stat(full);
    if (s.isDirectory()) return { dir: full };
    if (s.isFile() && isAudioFileName(full)) return { dir: full, file: full };
    return { error: `${path}: neither a folder nor an audio file (.wav, .flac, .mp3, .ogg, .opus, .aiff); name a folder of recordings` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { error: `${path}: no such file or folder; check the path` };
    if (code === 'EACCES' || code === 'EPERM') return { error: `${path}: permission denied; check the permissions` };
    return { error: `${path}: cannot be opened (${(err as Error).message})` };
  }
}

/** Runs the UI until the user quits; resolves to the process exit code (0, 1 for a bad start folder, 2 without a terminal). */
export async function runUi(options: UiOptions, io: UiIo = processIo): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    io.err(`${NOT_A_TERMINAL}\n`);
    return 2;
  }
  const start = await resolveStart(options.startDir);
  if ('error' in start) {
    io.err(`error: ${start.error}\n`);
    return 1;
  }

  const listeners = new Set<(message: string) => void>();
  const analyzer = new WorkerAnalyzer({
    engine: options.engine,
    ...(options.model !== undefined ? { model: options.model } : {}),
    onWarning: (m) => listeners.forEach((l) => l(m)),
  });
  const subscribeWarnings = (listener: (message: string) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  process.stdout.write(ENTER_ALT_SCREEN);
  const instance = render(
    <App
      analyzer={analyzer}
      startDir={start.dir}
      {...(start.file ? { startFile: start.file } : {})}
      {...(options.view ? { initialView: options.view } : {})}
      {...(options.follow ? { follow: options.follow } : {})}
      colorMode={detectColorMode(process.env, process.stdout)}
      subscribeWarnings={subscribeWarnings}
    />,
    { exitOnCtrlC: false, patchConsole: true },
  );
  // A terminal closed or a `kill` still leaves the shell's screen as it was; the exit code still tells the signal.
  let signalled: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    signalled = signal;
    instance.unmount();
  };
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  let failure: unknown;
  try {
    await instance.waitUntilExit();
  } catch (err) {
    failure = err;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGHUP', stop);
    await analyzer.dispose();
    process.stdout.write(LEAVE_ALT_SCREEN);
  }
  if (signalled) return 128 + constants.signals[signalled];
  // Written after leaving the alternate screen, where it would vanish.
  if (failure === undefined) return 0;
  io.err(`${errorLine(failure)}\n`);
  return 70;
}

export type { Analysis, Analyzer, Classification, ModelInfo } from './analyzer.js';
export { AnalysisError, AnalysisCancelledError } from './analyzer.js';
export { App, type AppProps } from './app.js';
export { InProcessAnalyzer } from './in-process-analyzer.js';
export { WorkerAnalyzer, type WorkerAnalyzerOptions } from './worker-analyzer.js';
