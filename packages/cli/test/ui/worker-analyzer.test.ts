/**
 * The real Analyzer of `ser ui`: the compiled worker (dist/ui/analysis-worker.js) with the repository's default model
 * over an EMO-DB recording. Needs the built cli, the data folder and models/default; says which is missing otherwise.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/ui/analyzer.js';
import type * as UiModule from '../../src/ui/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../../..');
const dataDir = process.env.SER_DATA_DIR ?? resolve(repo, '../shared/data');
const clip = [join(dataDir, 'emodb', 'wav', '03a01Fa.wav'), join(dataDir, 'emodb', '03a01Fa.wav')].find((p) => existsSync(p));
const modelDir = join(repo, 'models', 'default');
const built = resolve(here, '../../dist/ui/index.js');

const missing = [
  ...(clip ? [] : [`EMO-DB recording 03a01Fa.wav under ${dataDir} (set SER_DATA_DIR)`]),
  ...(existsSync(join(modelDir, 'card.json')) ? [] : [`the default model ${modelDir}`]),
  ...(existsSync(built) ? [] : ['the built cli (run `npx tsc -p tsconfig.build.json` in packages/cli)']),
];
if (missing.length > 0) console.warn(`skipping the real worker tests: missing ${missing.join('; ')}`);

describe.skipIf(missing.length > 0)('WorkerAnalyzer (real worker, default model, EMO-DB)', () => {
  let ui: typeof UiModule;
  let analyzer: Analyzer;
  const work = mkdtempSync(join(tmpdir(), 'ser-worker-'));

  beforeAll(async () => {
    ui = (await import(pathToFileURL(built).href)) as typeof UiModule;
    analyzer = new ui.WorkerAnalyzer({ engine: 'auto', model: modelDir });
  });
  afterAll(async () => analyzer?.dispose());

  it('loads the model once in the worker and names it', async () => {
    const info = await analyzer.model();
    expect(info.labels.length).toBeGreaterThan(1);
    expect(['native', 'typescript']).toContain(info.engine);
  });

  it('analyses a recording off the main thread: waveform, spectrogram, emotions over time; probabilities sum to 1', async () => {
    // The main thread's event loop keeps turning while the worker computes.
    let lag = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      lag = Math.max(lag, now - last);
      last = now;
    }, 5);
    const a = await analyzer.analyze(clip!);
    clearInterval(timer);
    const { labels } = await analyzer.model();
    expect(a.duration).toBeCloseTo(1.898, 2);
    expect(a.sampleRate).toBe(16000);
    expect(a.envelope.min.length).toBe(1024);
    expect(a.spectrogram.bands).toBe(40);
    expect(a.spectrogram.frames).toBeGreaterThan(100);
    expect(a.predictionError).toBeUndefined();
    const p = a.prediction!;
    expect(p.labels).toEqual(labels);
    expect(labels).toContain(p.overall.label);
    expect(Object.values(p.overall.scores).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    expect(p.segments).toHaveLength(1); // shorter than one 3 s window
    expect(p.segments[0]).toMatchObject({ start: 0 });
    for (const s of p.segments) expect(Object.values(s.scores).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    expect(lag).toBeLessThan(500);
    // The same answer as the model run in process.
    const local = new ui.InProcessAnalyzer({ engine: 'auto', model: modelDir });
    expect((await local.classify(clip!)).label).toBe(p.overall.label);
    await local.dispose();
  });

  it('classifies for the compare view with the same label', async () => {
    const c = await analyzer.classify(clip!);
    const a = await analyzer.analyze(clip!);
    expect(c.label).toBe(a.prediction!.overall.label);
    expect(c.duration).toBeCloseTo(a.duration, 3);
  });

  it('reports a missing or corrupt file as one line naming it, and keeps working', async () => {
    const gone = join(work, 'gone.wav');
    const e1 = await analyzer.analyze(gone).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ui.AnalysisError);
    expect((e1 as Error).message).toBe(`${gone}: no such file; check the path`);
    const bad = join(work, 'bad.wav');
    writeFileSync(bad, 'RIFF\x10\x00\x00\x00WAVEfmt nonsense that is not audio');
    const e2 = (await analyzer.classify(bad).catch((e: unknown) => e)) as Error & { kind: string };
    expect(e2.kind).toBe('audio');
    expect(e2.message.startsWith(`${bad}: `)).toBe(true);
    expect(e2.message).not.toContain('\n');
    expect((await analyzer.classify(clip!)).label).toBeTruthy();
  });

  it('drops a cancelled request and answers the next', async () => {
    const abort = new AbortController();
    const first = analyzer.analyze(clip!, { signal: abort.signal });
    abort.abort();
    await expect(first).rejects.toBeInstanceOf(ui.AnalysisCancelledError);
    expect((await analyzer.classify(clip!)).label).toBeTruthy();
  });

  it('with a broken model folder: one line for the model, and the picture of the file still comes', async () => {
    const broken = join(work, 'broken-model');
    mkdirSync(broken);
    writeFileSync(join(broken, 'card.json'), '{ not json');
    const b = new ui.WorkerAnalyzer({ engine: 'auto', model: broken });
    try {
      const err = (await b.model().catch((e: unknown) => e)) as Error & { kind: string };
      expect(err.kind).toBe('model');
      expect(err.message).toMatch(/^.*broken-model\/card\.json: not valid JSON .*; re-export the model or pass another folder with --model/);
      expect(err.message).not.toContain('\n');
      const a = await b.analyze(clip!);
      expect(a.prediction).toBeUndefined();
      expect(a.predictionError).toBe(err.message);
      expect(a.envelope.min.length).toBe(1024);
      await expect(b.classify(clip!)).rejects.toMatchObject({ kind: 'model' });
    } finally {
      await b.dispose();
    }
  });
});
