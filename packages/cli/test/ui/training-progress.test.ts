/** Reading the `ser train` progress log: parsing, folding into dashboard state, tailing, finding the latest run. */
import { appendFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LineTail,
  estimateCorpusRemaining,
  findLatestProgress,
  formatDuration,
  initialTrainingState,
  parseTrainingLine,
  progressPath,
  reduceTraining,
  type TrainingEvent,
  type TrainingState,
} from '../../src/ui/training-progress.js';

function epoch(fold: number, e: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    type: 'epoch', stage: `emodb run 1/1 fold ${fold}/8 (loso-0${fold})`, corpus: 'emodb', run: 1, runs: 1, fold, folds: 8,
    foldName: `loso-0${fold}`, epoch: e, epochs: 100, loss: 2 / e, accuracy: 0.1 * e, valUar: 0.05 * e, seconds: 10, etaSeconds: (100 - e) * 10,
    time: '2025-01-01T10:00:00.000Z', ...extra,
  });
}

const start = (resumed = false) => JSON.stringify({ type: 'start', arch: 'vgg2d', corpora: ['data/emodb'], runs: 1, resumed, time: '2025-01-01T09:00:00.000Z' });
const fold = (f: number, uar: number) => JSON.stringify({ type: 'fold', corpus: 'emodb', run: 1, fold: f, folds: 8, foldName: `loso-0${f}`, uar, epochs: 3, time: 'T' });

function replay(lines: string[], from: TrainingState = initialTrainingState): TrainingState {
  return lines.map(parseTrainingLine).filter((e): e is TrainingEvent => e !== undefined).reduce(reduceTraining, from);
}

describe('parseTrainingLine', () => {
  it('reads each event type and passes over what it does not understand', () => {
    expect(parseTrainingLine(start())?.type).toBe('start');
    expect(parseTrainingLine(epoch(1, 1))?.type).toBe('epoch');
    expect(parseTrainingLine('{"type":"done","time":"T","summary":{}}')?.type).toBe('done');
    expect(parseTrainingLine('{"type":"error","message":"out of memory","time":"T"}')).toMatchObject({ message: 'out of memory' });
    for (const bad of ['', '   ', '{"type":"epoch","stage":"x"', 'not json', '[1,2]', '{"type":"future-thing"}', '{"type":"epoch","stage":"x","epoch":"1"}']) {
      expect(parseTrainingLine(bad)).toBeUndefined();
    }
  });
});

describe('reduceTraining', () => {
  it('keeps a curve per stage, the finished folds, and the state of the run', () => {
    const s = replay([start(), epoch(1, 1), epoch(1, 2), fold(1, 0.6), epoch(2, 1)]);
    expect(s.status).toBe('running');
    expect(s.stages.map((x) => [x.foldName, x.points.length])).toEqual([['loso-01', 2], ['loso-02', 1]]);
    expect(s.folds.map((f) => f.uar)).toEqual([0.6]);
    expect(replay(['{"type":"done","time":"T","summary":{"corpora":[]}}'], s).status).toBe('finished');
    expect(replay(['{"type":"error","message":"disk full","time":"T"}'], s)).toMatchObject({ status: 'failed', error: 'disk full' });
  });

  it('continues the curves on a resumed run and replaces repeated epochs and folds; a fresh start clears them', () => {
    const s = replay([start(), epoch(1, 1), epoch(1, 2), epoch(1, 3), fold(1, 0.5)]);
    const resumed = replay([start(true), epoch(1, 2, { loss: 9 }), fold(1, 0.7)], s);
    expect(resumed.stages[0]!.points.map((p) => p.loss)).toEqual([2, 9]);
    expect(resumed.folds.map((f) => f.uar)).toEqual([0.7]);
    expect(replay([start(false)], s).stages).toEqual([]);
  });

  it('keeps an epoch without validation UAR', () => {
    const s = replay([epoch(1, 1, { valUar: undefined })]);
    expect(s.stages[0]!.points[0]!.valUar).toBeUndefined();
  });
});

describe('estimates', () => {
  it('adds the mean time of finished stages for the folds still to come', () => {
    const s = replay([start(), epoch(1, 1), epoch(1, 2), epoch(2, 1)]);
    // Stage 1 took 20 s; 6 folds of 8 are still to start after the current one (ETA 990 s).
    expect(estimateCorpusRemaining(s)).toBe(990 + 6 * 20);
    expect(estimateCorpusRemaining(replay([start(), epoch(1, 1)]))).toBeUndefined();
    expect([formatDuration(42), formatDuration(720), formatDuration(7500)]).toEqual(['42 s', '12 min', '2 h 05 min']);
  });
});

describe('LineTail', () => {
  it('waits for the file, then returns only complete new lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ser-tail-'));
    const path = join(dir, 'progress.jsonl');
    const tail = new LineTail(path);
    expect(await tail.read()).toEqual({ exists: false, lines: [], restarted: false });
    writeFileSync(path, `${start()}\n{"type":"ep`);
    expect((await tail.read()).lines).toEqual([start()]);
    appendFileSync(path, 'och"}\n');
    expect((await tail.read()).lines).toEqual(['{"type":"epoch"}']);
    expect((await tail.read()).lines).toEqual([]);
  });

  it('keeps a character split between two reads whole, and starts over when the file is replaced by a shorter one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ser-tail-')), 'progress.jsonl');
    const tail = new LineTail(path);
    const bytes = Buffer.from('{"m":"Übung"}\n');
    writeFileSync(path, bytes.subarray(0, 7)); // cuts the two bytes of Ü apart
    await tail.read();
    appendFileSync(path, bytes.subarray(7));
    expect((await tail.read()).lines).toEqual(['{"m":"Übung"}']);
    writeFileSync(path, 'x\n');
    expect(await tail.read()).toEqual({ exists: true, lines: ['x'], restarted: true });
  });
});

describe('finding the run to follow', () => {
  it('takes the most recently modified progress.jsonl under the training root', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ser-runs-'));
    expect(await findLatestProgress(root)).toBeUndefined();
    expect(await findLatestProgress(join(root, 'missing'))).toBeUndefined();
    for (const [name, age] of [['old', 100], ['new', 10], ['empty', 0]] as const) {
      mkdirSync(join(root, name));
      if (name === 'empty') continue;
      writeFileSync(join(root, name, 'progress.jsonl'), '');
      const t = Date.now() / 1000 - age;
      utimesSync(join(root, name, 'progress.jsonl'), t, t);
    }
    expect(await findLatestProgress(root)).toBe(join(root, 'new', 'progress.jsonl'));
  });

  it('accepts a work dir or the log itself', () => {
    expect(progressPath('/w/vgg2d-s0')).toBe('/w/vgg2d-s0/progress.jsonl');
    expect(progressPath('/w/vgg2d-s0/progress.jsonl')).toBe('/w/vgg2d-s0/progress.jsonl');
  });
});
