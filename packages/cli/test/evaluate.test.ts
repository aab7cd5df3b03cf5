import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/program.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const emodb = join(process.env.SER_DATA_DIR ?? resolve(repoRoot, '../shared/data'), 'emodb', 'wav');
const found = existsSync(emodb);
if (!found) console.warn(`ser evaluate/compare tests skipped: no EMO-DB at ${emodb} (set SER_DATA_DIR)`);

describe.skipIf(!found)('ser evaluate and ser compare on three EMO-DB speakers', () => {
  const work = mkdtempSync(join(tmpdir(), 'ser-eval-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  // A small corpus copied to a scratch folder (never into the repository): speakers 03, 08 and 09.
  const corpus = join(work, 'emodb');
  mkdirSync(corpus);
  if (found) for (const f of readdirSync(emodb).filter((f) => /^(03|08|09)/.test(f))) copyFileSync(join(emodb, f), join(corpus, f));
  const cache = ['--cache-dir', join(work, 'cache')];

  it('--json prints one object with the figures, labels, confusion and folds; folds never share a speaker', async () => {
    const c = capture();
    expect(await run(['evaluate', corpus, '--model', 'dt', '--json', ...cache], c.io)).toBe(0);
    const r = JSON.parse(c.out.join(''));
    expect(r.protocol).toBe('loso');
    expect(r.speakerIndependent).toBe(true);
    expect(r.labels).toEqual(['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'boredom']);
    expect(r.folds.map((f: { testSpeakers: string[] }) => f.testSpeakers)).toEqual([['03'], ['08'], ['09']]);
    const total = r.confusion.flat().reduce((a: number, b: number) => a + b, 0);
    const correct = r.labels.reduce((s: number, _: string, i: number) => s + r.confusion[i][i], 0);
    expect(total).toBe(150);
    expect(r.accuracy).toBeCloseTo(correct / total, 12);
    for (const key of ['uar', 'macroF1']) expect(r[key]).toBeGreaterThan(0.2);
  }, 300_000);

  it('the random split says it is speaker-dependent, in text and JSON', async () => {
    const c = capture();
    expect(await run(['evaluate', corpus, '--model', 'dt', '--protocol', 'random', ...cache], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/random 80\/20, stratified \(speaker-dependent\)/);
    expect(c.out.join('')).toMatch(/note: speaker-dependent split/);
    const j = capture();
    await run(['evaluate', corpus, '--model', 'dt', '--protocol', 'random', '--json', ...cache], j.io);
    expect(JSON.parse(j.out.join('')).speakerIndependent).toBe(false);
  }, 300_000);

  it('compare writes report.json, report.md with the speaker-dependent gap, and confusion SVGs', async () => {
    const out = join(work, 'report');
    const c = capture();
    expect(await run(['compare', corpus, '--models', 'dt,rf', '--out', out, ...cache], c.io)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.results.map((r: { model: string; protocol: string }) => `${r.model}/${r.protocol}`)).toEqual(['dt/loso', 'dt/random', 'rf/loso', 'rf/random']);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/\| model \| leave-one-speaker-out \(speaker-independent\) \| random 80\/20, stratified \(speaker-dependent\) \| gap \(UAR points\) \|/);
    for (const r of report.results) {
      const svg = readFileSync(join(out, r.confusionSvg), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('boredom');
    }
  }, 300_000);

  it('compare puts deep models beside the classical ones, on the same folds and features', async () => {
    const out = join(work, 'report-deep');
    const c = capture();
    const args = ['compare', corpus, '--models', 'svm,dnn', '--preset', 'functionals', '--ensemble', '2', '--mixup', '0.2', '--protocols', 'default', '--out', out, ...cache];
    expect(await run(args, c.io)).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.preset).toBe('functionals');
    expect(report.deep).toEqual({ ensemble: 2, mixup: 0.2 });
    expect(report.results.map((r: { model: string; preset: string }) => `${r.model}/${r.preset}`)).toEqual(['svm/functionals', 'dnn/functionals']);
    const [svm, dnn] = report.results;
    expect(dnn.folds.map((f: { testSpeakers: string[] }) => f.testSpeakers)).toEqual(svm.folds.map((f: { testSpeakers: string[] }) => f.testSpeakers));
    expect(dnn.uar).toBeGreaterThan(0.25);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^Features: functionals /m);
    expect(md).toMatch(/\| feed-forward network on the utterance vector \(Dense-BN-ReLU-Dropout blocks\) \(ensemble of 2, mixup 0\.2\) \| 0\.\d{3} \/ 0\.\d{3} \|/);
  }, 300_000);

  it('bad arguments and missing folders fail with a clear message', async () => {
    const a = capture();
    expect(await run(['evaluate', corpus, '--model', 'knn', ...cache], a.io)).toBe(2);
    expect(a.err.join('')).toMatch(/Allowed choices are dt, rf, svm, mlp/);
    const b = capture();
    expect(await run(['evaluate', join(work, 'nowhere'), ...cache], b.io)).toBe(1);
    expect(b.err.join('')).toMatch(/corpus folder not found/);
    const c = capture();
    expect(await run(['compare', corpus, '--models', 'dt,xgboost', ...cache], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/--models: unknown xgboost/);
    const d = capture();
    expect(await run(['compare', corpus, '--models', 'svm,transformer', ...cache], d.io)).toBe(2);
    expect(d.err.join('')).toMatch(/--models: unknown transformer/);
  });
});
