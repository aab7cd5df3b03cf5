/**
 * `ser train` through the linked binary on three real EMO-DB speakers: N seeds reported per fold, and an interrupted
 * run (kill -9) that resumes to the same final epoch count as an uninterrupted one, then predicts with its model.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'node_modules', '.bin', 'ser');
const emodb = join(process.env.SER_DATA_DIR ?? resolve(root, '../shared/data'), 'emodb', 'wav');
const found = existsSync(emodb);
if (!found) console.warn(`ser train tests skipped: no EMO-DB at ${emodb} (set SER_DATA_DIR)`);

/** Epochs finished according to a checkpoint file's JSON header ("SERC", version, JSON length, JSON). */
function checkpointEpoch(dir: string): number {
  try {
    const buf = readFileSync(join(dir, 'checkpoint.serc'));
    return (JSON.parse(buf.subarray(12, 12 + buf.readUInt32LE(8)).toString('utf8')) as { state: { epoch: number } }).state.epoch;
  } catch {
    return 0;
  }
}

describe.skipIf(!found)('ser train (binary) on three EMO-DB speakers', () => {
  const work = mkdtempSync(join(tmpdir(), 'ser-train-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const corpus = join(work, 'emodb');
  mkdirSync(corpus);
  if (found) for (const f of readdirSync(emodb).filter((f) => /^(03|08|09)/.test(f))) copyFileSync(join(emodb, f), join(corpus, f));
  const common = ['--arch', 'dnn', '--cache-dir', join(work, 'cache')];

  it('--runs 2 --json: two seeds on the same speaker folds, UAR per fold as mean ± std of the runs', () => {
    const r = spawnSync(bin, ['train', corpus, ...common, '--runs', '2', '--epochs', '4', '--json', '--work-dir', join(work, 'cv')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/emodb run 2\/2 fold 3\/3 \(loso-09\) · epoch 4\/4 · loss [\d.]+ · acc [\d.]+( · val UAR [\d.]+)? · [\d.]+ s · ETA/);
    const out = JSON.parse(r.stdout);
    const [c] = out.corpora;
    expect(c.corpus).toBe('emodb');
    expect(c.protocol).toBe('loso');
    expect(c.runs.map((x: { seed: number }) => x.seed)).toEqual([0, 1000]);
    expect(c.perFold.map((f: { testSpeakers: string[] }) => f.testSpeakers)).toEqual([['03'], ['08'], ['09']]);
    for (const [i, f] of c.perFold.entries()) {
      const values: number[] = c.runs.map((x: { folds: { uar: number }[] }) => x.folds[i]!.uar);
      expect(f.uar.values).toEqual(values);
      const [v0, v1] = values as [number, number];
      const mean = (v0 + v1) / 2;
      expect(f.uar.mean).toBeCloseTo(mean, 12);
      expect(f.uar.std).toBeCloseTo(Math.abs(v0 - v1) / Math.SQRT2, 12);
    }
    // 3 speakers, 7 emotions: above chance (1/7) by a margin even after 4 epochs.
    expect(c.uar.mean).toBeGreaterThan(0.3);

    // The log the training dashboard follows: start, 2 runs x 3 folds x 4 epochs, a line per fold, done.
    const log = readFileSync(join(work, 'cv', 'progress.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(log[0]).toMatchObject({ type: 'start', arch: 'dnn', runs: 2 });
    const epochs = log.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(2 * 3 * 4);
    expect(epochs.at(-1)).toMatchObject({ corpus: 'emodb', run: 2, runs: 2, fold: 3, folds: 3, foldName: 'loso-09', epoch: 4, epochs: 4 });
    expect(epochs.every((e) => Number.isFinite(e.loss) && typeof e.time === 'string')).toBe(true);
    const folds = log.filter((e) => e.type === 'fold');
    expect(folds.map((f) => f.uar)).toEqual(c.runs.flatMap((x: { folds: { uar: number }[] }) => x.folds.map((f) => f.uar)));
    expect(log.at(-1).type).toBe('done');
    expect(r.stderr).toContain(`following: ${join(work, 'cv', 'progress.jsonl')}`);
  }, 300_000);

  it('kill -9 mid-run, then --resume: the same final epoch count, and the model folder predicts', async () => {
    const args = (name: string) => ['train', corpus, ...common, '--no-cv', '--epochs', '60', '--out', join(work, name), '--work-dir', join(work, `${name}-work`), '--json'];
    const whole = spawnSync(bin, args('whole'), { encoding: 'utf8' });
    expect(whole.status, whole.stderr).toBe(0);
    const wholeCard = JSON.parse(readFileSync(join(work, 'whole', 'card.json'), 'utf8'));

    const child = spawn(bin, args('cut'), { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    const ckpt = join(work, 'cut-work', 'final');
    const deadline = Date.now() + 120_000;
    while (checkpointEpoch(ckpt) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const killedAt = checkpointEpoch(ckpt);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThanOrEqual(3);
    expect(existsSync(join(work, 'cut', 'card.json'))).toBe(false);

    const resumed = spawnSync(bin, [...args('cut'), '--resume'], { encoding: 'utf8' });
    expect(resumed.status, resumed.stderr).toBe(0);
    const card = JSON.parse(readFileSync(join(work, 'cut', 'card.json'), 'utf8'));
    expect(card.training.resumedFrom).toBeGreaterThanOrEqual(killedAt);
    expect(card.training.epochs).toBe(wholeCard.training.epochs);
    expect(card.training.bestEpoch).toBe(wholeCard.training.bestEpoch);

    const files = readdirSync(corpus).slice(0, 5).map((f) => join(corpus, f));
    const predict = (dir: string) => spawnSync(bin, ['predict', '--json', '--model', join(work, dir), ...files], { encoding: 'utf8' });
    const a = predict('whole');
    const b = predict('cut');
    expect(a.status, a.stderr).toBe(0);
    const la = a.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const lb = b.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lb.map((p) => p.label)).toEqual(la.map((p) => p.label));
    la.forEach((p, i) => {
      for (const e of card.labels) expect(Math.abs(p.scores[e] - lb[i].scores[e])).toBeLessThan(1e-3);
    });
  }, 600_000);

  it('--preset functionals --ensemble 2 --mixup 0.2: one ONNX graph averaging two networks on the functionals vector', () => {
    const out = join(work, 'ensemble');
    const r = spawnSync(bin, ['train', corpus, ...common, '--preset', 'functionals', '--ensemble', '2', '--mixup', '0.2', '--no-cv', '--epochs', '6', '--out', out, '--work-dir', join(work, 'ensemble-work'), '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8'));
    expect(card.input).toMatchObject({ preset: 'functionals', shape: [427] });
    expect(card.training.ensemble).toHaveLength(2);
    expect(card.training.params).toMatchObject({ ensemble: 2, mixup: 0.2, preset: 'functionals' });
    expect(card.training.onnxParity.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    const files = readdirSync(corpus).slice(0, 4).map((f) => join(corpus, f));
    const p = spawnSync(bin, ['predict', '--json', '--model', out, ...files], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const lines = p.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(files);
    for (const l of lines) {
      expect(card.labels).toContain(l.label);
      expect(Object.values(l.scores as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
  }, 300_000);

  it('--speaker-norm: cross-validation and a model standardised per speaker, which ser predict runs with --speaker only', () => {
    const out = join(work, 'per-speaker');
    const r = spawnSync(bin, ['train', corpus, ...common, '--preset', 'functionals', '--speaker-norm', '--epochs', '3', '--out', out, '--work-dir', join(work, 'per-speaker-work'), '--json'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).corpora[0].protocolLabel).toMatch(/per-speaker standardisation/);
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8'));
    expect(card.speakerStandardisation).toEqual({ minRecordings: 10 });
    expect(card.training.onnxParity.maxAbsDiff).toBeLessThanOrEqual(1e-4);

    const speaker03 = readdirSync(corpus).filter((f) => f.startsWith('03')).map((f) => join(corpus, f));
    const alone = spawnSync(bin, ['predict', '--json', '--model', out, ...speaker03], { encoding: 'utf8' });
    expect(alone.status).toBe(1);
    expect(alone.stderr).toMatch(/standardises features per speaker.*\(`ser predict --speaker`\)/);
    const together = spawnSync(bin, ['predict', '--json', '--speaker', '--model', out, ...speaker03], { encoding: 'utf8' });
    expect(together.status, together.stderr).toBe(0);
    const lines = together.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(speaker03);
    for (const l of lines) expect(card.labels).toContain(l.label);
    const few = spawnSync(bin, ['predict', '--speaker', '--model', out, ...speaker03.slice(0, 4)], { encoding: 'utf8' });
    expect(few.status).toBe(1);
    expect(few.stderr).toMatch(/4 of 4 recordings could be read; .*needs at least 10/);
    const plain = spawnSync(bin, ['predict', '--speaker', ...speaker03], { encoding: 'utf8' });
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/not trained with per-speaker standardisation/);
    const segments = spawnSync(bin, ['predict', '--speaker', '--segments', '--model', out, ...speaker03], { encoding: 'utf8' });
    expect(segments.status).toBe(2);
  }, 300_000);

  it('--no-cv without --out: a clear usage error', () => {
    const r = spawnSync(bin, ['train', corpus, ...common, '--no-cv'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: --no-cv needs --out (otherwise nothing would be trained)\n');
  });

  it('--preset with a log-mel architecture: a clear usage error, not a silently ignored option', () => {
    const r = spawnSync(bin, ['train', corpus, '--arch', 'vgg2d', '--preset', 'functionals', '--cache-dir', join(work, 'cache')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--preset picks the utterance vector of dnn and cnn1d; vgg2d takes log-mel windows/);
  });
});
