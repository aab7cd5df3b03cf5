/**
 * Shared pieces of the UI tests: a fake Analyzer with controllable timing and failures, a renderer with a chosen
 * terminal size, key codes as a terminal sends them, and waitFor over the rendered frame.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { render } from 'ink-testing-library';
import { AnalysisCancelledError, AnalysisError, type Analysis, type AnalyzeOptions, type Analyzer, type Classification, type ModelInfo } from '../../src/ui/analyzer.js';
import { App, type AppProps } from '../../src/ui/app.js';

export const LABELS = ['neutral', 'happy', 'sad', 'angry'];

export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
  enter: '\r',
  escape: '\x1b',
  backspace: '\x7f',
  ctrlC: '\x03',
} as const;

/** Scores that put `label` on top with probability `p`, the rest shared evenly. */
export function scoresFor(label: string, p = 0.7): Record<string, number> {
  const rest = (1 - p) / (LABELS.length - 1);
  return Object.fromEntries(LABELS.map((l) => [l, l === label ? p : rest]));
}

/** A label derived from the file name, so each file has a known, distinct answer. */
export function labelFor(file: string): string {
  const name = basename(file);
  return LABELS[[...name].reduce((a, c) => a + c.charCodeAt(0), 0) % LABELS.length]!;
}

export function fakeAnalysis(file: string, duration = 4): Analysis {
  const bins = 200;
  const min = new Float32Array(bins);
  const max = new Float32Array(bins);
  for (let i = 0; i < bins; i++) {
    const a = 0.8 * Math.abs(Math.sin(i / 9));
    min[i] = -a;
    max[i] = a;
  }
  const bands = 40;
  const frames = 100;
  const data = new Float32Array(bands * frames);
  for (let b = 0; b < bands; b++) for (let f = 0; f < frames; f++) data[b * frames + f] = -80 + 80 * Math.abs(Math.sin(f / 7 + b / 11)) * (1 - b / bands);
  const segments = [];
  for (let s = 0; s + 3 <= duration; s += 1) segments.push({ start: s, end: s + 3, label: LABELS[s % LABELS.length]!, scores: scoresFor(LABELS[s % LABELS.length]!) });
  const label = labelFor(file);
  return {
    file,
    duration,
    sampleRate: 16000,
    peak: 0.8,
    envelope: { min, max },
    spectrogram: { data, bands, frames },
    prediction: { labels: LABELS, overall: { label, scores: scoresFor(label) }, segments },
    warnings: [],
    seconds: 0.1,
  };
}

export interface FakeOptions {
  /** Milliseconds each request takes (default 0). */
  delayMs?: number;
  /** Never resolve analyze (to test the spinner and responsiveness). */
  hang?: boolean;
  /** model() rejects with this message; analyze then reports it as predictionError. */
  modelError?: string;
  /** Files that fail with this message. */
  failures?: Record<string, string>;
}

/** An Analyzer answering from the file name, recording every call. */
export class FakeAnalyzer implements Analyzer {
  readonly calls: { kind: 'analyze' | 'classify'; file: string }[] = [];
  readonly cancelled: string[] = [];
  disposed = false;
  readonly #o: FakeOptions;

  constructor(options: FakeOptions = {}) {
    this.#o = options;
  }

  model(): Promise<ModelInfo> {
    if (this.#o.modelError) return Promise.reject(new AnalysisError('model', this.#o.modelError));
    return Promise.resolve({ name: 'fake-model', dir: '/models/fake', labels: LABELS, engine: 'typescript', preset: 'classic193' });
  }

  analyze(file: string, options: AnalyzeOptions = {}): Promise<Analysis> {
    this.calls.push({ kind: 'analyze', file });
    return this.#answer(file, options, () => {
      const a = fakeAnalysis(file);
      if (this.#o.modelError) {
        delete a.prediction;
        a.predictionError = this.#o.modelError;
      }
      return a;
    });
  }

  classify(file: string, options: AnalyzeOptions = {}): Promise<Classification> {
    this.calls.push({ kind: 'classify', file });
    if (this.#o.modelError) return Promise.reject(new AnalysisError('model', this.#o.modelError));
    const label = labelFor(file);
    return this.#answer(file, options, () => ({ file, label, scores: scoresFor(label, 0.4 + (file.length % 5) / 10), labels: LABELS, duration: 2 }));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  #answer<T>(file: string, options: AnalyzeOptions, make: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const failure = this.#o.failures?.[basename(file)];
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        if (failure) reject(new AnalysisError('audio', failure));
        else resolve(make());
      };
      options.signal?.addEventListener('abort', () => {
        if (settled) return;
        settled = true;
        this.cancelled.push(file);
        reject(new AnalysisCancelledError(file));
      });
      if (this.#o.hang) return;
      if (this.#o.delayMs) setTimeout(settle, this.#o.delayMs);
      else queueMicrotask(settle);
    });
  }
}

/** A folder of fake audio files (the fake analyzer never reads them) and a subfolder. */
export function makeTree(): { root: string; audio: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'ser-ui-'));
  const names = ['03a01Fa.wav', '03a01Nc.wav', '03a01Wa.wav', '08b02Ta.flac', 'clip.MP3', 'notes.txt'];
  for (const n of names) writeFileSync(join(root, n), 'x'.repeat(1000));
  mkdirSync(join(root, 'more'));
  writeFileSync(join(root, 'more', 'inner.ogg'), 'x');
  mkdirSync(join(root, '.hidden'));
  return { root, audio: names.filter((n) => n !== 'notes.txt').map((n) => join(root, n)) };
}

export interface Rendered extends ReturnType<typeof render> {
  /** Sends keys one at a time, letting Ink handle each (a lone Esc is only recognised after a tick). */
  press(...keys: string[]): Promise<void>;
  /** Sets the terminal size and emits 'resize', as a real terminal does. */
  resize(columns: number, rows: number): void;
  frame(): string;
  quitCalls: number;
}

const tick = () => new Promise((r) => setTimeout(r, 15));

export function renderApp(props: Partial<AppProps> & { analyzer: Analyzer; startDir: string }, size = { columns: 120, rows: 40 }): Rendered {
  const state = { quitCalls: 0 };
  // An empty training root, so no test ever follows a real run of this machine.
  const trainRoot = props.trainRoot ?? mkdtempSync(join(tmpdir(), 'ser-ui-train-'));
  const r = render(<App colorMode="none" pollMs={50} onQuit={() => state.quitCalls++} {...props} trainRoot={trainRoot} />);
  const out = r.stdout as unknown as NodeJS.EventEmitter & { columns: number; rows: number };
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(out, 'columns', { value: columns, configurable: true });
    Object.defineProperty(out, 'rows', { value: rows, configurable: true });
  };
  setSize(size.columns, size.rows);
  out.emit('resize');
  const rendered = Object.assign(r, {
    async press(...keys: string[]) {
      for (const k of keys) {
        r.stdin.write(k);
        await tick();
      }
    },
    resize(columns: number, rows: number) {
      setSize(columns, rows);
      out.emit('resize');
    },
    frame: () => r.lastFrame() ?? '',
    quitCalls: 0,
  });
  // A live getter (Object.assign would copy the count once).
  Object.defineProperty(rendered, 'quitCalls', { get: () => state.quitCalls });
  return rendered;
}

/** Polls the frame until `test` holds (or fails with the last frame, which shows what was on screen). */
export async function waitFor(r: Rendered, test: (frame: string) => boolean, timeoutMs = 3000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const f = r.frame();
    if (test(f)) return f;
    if (Date.now() > until) throw new Error(`timed out waiting; last frame:\n${f}`);
    await tick();
  }
}

export const contains = (text: string) => (f: string) => f.includes(text);

const ESC = String.fromCharCode(27);

/** The text without its SGR escapes. */
export function stripAnsi(text: string): string {
  return text.replace(new RegExp(`${ESC}\\[[\\d;]*m`, 'g'), '');
}

/** SGR sequences that set a colour (foreground, background, 256, truecolor); bold or inverse are not colours. */
export function colourCodes(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(new RegExp(`${ESC}\\[([\\d;]*)m`, 'g'))) {
    const params = m[1]!.split(';').filter(Boolean).map(Number);
    if (params.some((p) => (p >= 30 && p <= 49) || (p >= 90 && p <= 107))) found.push(m[0]);
  }
  return found;
}

export function writeFileIn(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
