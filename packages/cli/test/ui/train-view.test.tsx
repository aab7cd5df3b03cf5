/** The training dashboard: finding the run, following its log as it grows, curves, folds, ETA, the end, and keys. */
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FakeAnalyzer, KEY, contains, makeTree, renderApp, waitFor } from './helpers.js';

afterEach(() => cleanup());

const time = (s: number) => new Date(Date.UTC(2025, 0, 1, 9, 0, s)).toISOString();

function startLine(resumed = false): string {
  return JSON.stringify({ type: 'start', arch: 'vgg2d', corpora: ['../shared/data/emodb'], runs: 1, resumed, time: time(0) });
}

function epochLine(fold: number, epoch: number, valUar: number | null = 0.2 + 0.03 * epoch): string {
  return JSON.stringify({
    type: 'epoch', stage: `emodb run 1/1 fold ${fold}/8 (loso-0${fold + 2})`, corpus: 'emodb', run: 1, runs: 1, fold, folds: 8,
    foldName: `loso-0${fold + 2}`, epoch, epochs: 100, loss: 2 / epoch, accuracy: 0.3 + 0.02 * epoch, ...(valUar !== null ? { valUar } : {}),
    seconds: 20, etaSeconds: (100 - epoch) * 20, time: time(epoch),
  });
}

function foldLine(fold: number, uar: number): string {
  return JSON.stringify({ type: 'fold', corpus: 'emodb', run: 1, fold, folds: 8, foldName: `loso-0${fold + 2}`, uar, epochs: 5, time: time(99) });
}

function workDir(lines: string[] | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'ser-train-'));
  if (lines) writeFileSync(join(dir, 'progress.jsonl'), lines.map((l) => `${l}\n`).join(''));
  return dir;
}

async function dashboard(follow: string | undefined, trainRoot?: string, size?: { columns: number; rows: number }) {
  const { root } = makeTree();
  const r = renderApp({ analyzer: new FakeAnalyzer(), startDir: root, initialView: 'train', ...(follow ? { follow } : {}), ...(trainRoot ? { trainRoot } : {}) }, size);
  return r;
}

describe('training dashboard', () => {
  it('shows the run, the current stage with its epoch, loss, UAR and ETA, both curves, and the folds done', async () => {
    const lines = [startLine(), ...[1, 2, 3, 4, 5].map((e) => epochLine(1, e)), foldLine(1, 0.612), ...[1, 2, 3].map((e) => epochLine(2, e))];
    const r = await dashboard(workDir(lines));
    const f = await waitFor(r, contains('folds done 1'));
    expect(f).toContain('training vgg2d on emodb · 1 run');
    expect(f).toContain('emodb run 1/1 fold 2/8 (loso-04) · epoch 3/100 · loss 0.667 · acc 36.0% · val UAR 29.0% · 20.0 s/epoch');
    // 97 epochs left at 20 s; then 6 folds at the mean of the finished one (5 epochs x 20 s).
    expect(f).toContain('ETA this stage 32 min (early stopping may end it sooner) · emodb cross-validation ≈ 42 min');
    expect(f).toContain('training loss: 0.67 (lowest 0.67)');
    expect(f).toContain('validation UAR: 29.0% (best 29.0%)');
    expect(f.split('\n').filter((l) => /┤[\u2800-\u28ff]+/.test(l)).length).toBeGreaterThan(4);
    expect(f).toContain('folds done 1: loso-03 61.2% · mean UAR 61.2%');
    expect(f).toContain('● running');
  });

  it('follows the log as ser train appends to it, including a line written in two parts', async () => {
    const dir = workDir([startLine(), epochLine(1, 1)]);
    const r = await dashboard(dir);
    await waitFor(r, contains('epoch 1/100'));
    const log = join(dir, 'progress.jsonl');
    appendFileSync(log, epochLine(1, 2).slice(0, 40));
    await new Promise((res) => setTimeout(res, 150));
    expect(r.frame()).toContain('epoch 1/100');
    appendFileSync(log, `${epochLine(1, 2).slice(40)}\n`);
    await waitFor(r, contains('epoch 2/100'));
    appendFileSync(log, `${foldLine(1, 0.5)}\n{"type":"done","time":"${time(120)}","summary":{"corpora":[{"corpus":"emodb","uar":{"mean":0.5,"std":0.01}}]}}\n`);
    await waitFor(r, contains('✓ finished: emodb UAR 50.0% ± 1.0%'));
  });

  it('says when the log does not exist yet, and picks it up when the run starts', async () => {
    const dir = workDir(undefined);
    const r = await dashboard(dir);
    await waitFor(r, contains('waiting for the log to appear'));
    writeFileSync(join(dir, 'progress.jsonl'), `${startLine()}\n${epochLine(1, 1)}\n`);
    await waitFor(r, contains('epoch 1/100'));
  });

  it('shows the error a run ended with', async () => {
    const r = await dashboard(workDir([startLine(), epochLine(1, 1), JSON.stringify({ type: 'error', message: 'data/emodb: no such folder', time: time(3) })]));
    await waitFor(r, contains('✗ training failed: data/emodb: no such folder'));
  });

  it('without --follow takes the latest run of the training folder, and says clearly when there is none', async () => {
    const runs = mkdtempSync(join(tmpdir(), 'ser-runs-'));
    const r = await dashboard(undefined, runs);
    await waitFor(r, contains('no training run found; start one with `ser train <corpus> --arch vgg2d`'));
    mkdirSync(join(runs, 'cnn1d-s0'));
    writeFileSync(join(runs, 'cnn1d-s0', 'progress.jsonl'), `${startLine()}\n${epochLine(1, 7)}\n`);
    await waitFor(r, (f) => f.includes('epoch 7/100') && f.includes(join(runs, 'cnn1d-s0', 'progress.jsonl')), 4000);
  });

  it('draws a stage without validation split and says why its UAR curve is empty', async () => {
    const r = await dashboard(workDir([startLine(), epochLine(1, 1, null), epochLine(1, 2, null)]));
    const f = await waitFor(r, contains('epoch 2/100'));
    expect(f).toContain('no validation split in this stage');
    expect(f).not.toContain('val UAR');
  });

  it('← and → show earlier and later stages, f follows the current one again', async () => {
    const lines = [startLine(), ...[1, 2, 3].map((e) => epochLine(1, e)), foldLine(1, 0.6), ...[1, 2].map((e) => epochLine(2, e)), foldLine(2, 0.5), epochLine(3, 1)];
    const r = await dashboard(workDir(lines));
    await waitFor(r, contains('fold 3/8 (loso-05) · epoch 1/100'));
    await r.press(KEY.left);
    await waitFor(r, (f) => f.includes('fold 2/8 (loso-04) · epoch 2/100') && f.includes('stage 2 of 3'));
    await r.press(KEY.left, KEY.left);
    await waitFor(r, contains('fold 1/8 (loso-03) · epoch 3/100'));
    await r.press(KEY.right);
    await waitFor(r, contains('fold 2/8 (loso-04)'));
    await r.press('f');
    await waitFor(r, (f) => f.includes('fold 3/8 (loso-05)') && !f.includes('stage 3 of 3'));
    await r.press(KEY.left, KEY.right);
    await waitFor(r, (f) => f.includes('fold 3/8 (loso-05)') && !f.includes('stage 3 of 3'));
  });

  it('stacks the charts on a narrow terminal', async () => {
    const r = await dashboard(workDir([startLine(), epochLine(1, 1), epochLine(1, 2)]), undefined, { columns: 60, rows: 40 });
    const f = await waitFor(r, (x) => x.includes('epoch 2/100') && x.split('\n').every((l) => l.length <= 60));
    const lines = f.split('\n');
    expect(lines.findIndex((l) => l.startsWith('validation UAR'))).toBeGreaterThan(lines.findIndex((l) => l.startsWith('training loss')));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  it('Esc, Backspace and h go back to the browser (also when the dashboard was the first view)', async () => {
    for (const back of [KEY.escape, KEY.backspace, 'h']) {
      const r = await dashboard(workDir([startLine()]));
      await waitFor(r, contains('training vgg2d'));
      await r.press(back);
      await waitFor(r, contains('ser · files'));
      await r.press('t');
      await waitFor(r, contains('training'));
      cleanup();
    }
  });
});
