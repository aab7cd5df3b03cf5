import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCorpus } from '../src/corpus/index.js';
import { defaultProtocol, protocolFolds, PROTOCOL_NAMES } from '../src/eval/protocols.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = process.env.SER_DATA_DIR ?? resolve(repoRoot, '../shared/data');
const haveData = existsSync(join(dataDir, 'emodb')) && existsSync(join(dataDir, 'ravdess'));
if (!haveData) console.warn(`protocol tests on real corpora skipped: no emodb/ and ravdess/ under ${dataDir} (set SER_DATA_DIR)`);

const speakersOf = (xs: { speaker: string }[]) => new Set(xs.map((x) => x.speaker));

describe('protocols on synthetic items', () => {
  const items = Array.from({ length: 60 }, (_, i) => ({ speaker: `s${i % 6}`, emotion: ['a', 'b', 'c'][i % 3]! }));

  it('the random split is labelled speaker-dependent, the others speaker-independent', () => {
    for (const p of PROTOCOL_NAMES) {
      const plan = protocolFolds(items, p, { seed: 1, k: 3 });
      expect(plan.speakerIndependent).toBe(p !== 'random');
      expect(plan.label.includes('(speaker-dependent)')).toBe(p === 'random');
    }
  });

  it('the random split is reproducible from its seed and differs across seeds', () => {
    const a = protocolFolds(items, 'random', { seed: 7 }).folds[0]!.test;
    const b = protocolFolds(items, 'random', { seed: 7 }).folds[0]!.test;
    const c = protocolFolds(items, 'random', { seed: 8 }).folds[0]!.test;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).toHaveLength(12);
  });

  it('defaults: leave-one-speaker-out for EMO-DB, speaker groups for RAVDESS', () => {
    expect(defaultProtocol('emodb')).toBe('loso');
    expect(defaultProtocol('ravdess')).toBe('speaker-kfold');
  });
});

describe.skipIf(!haveData)('protocols on the real corpora: no speaker crosses train and test', () => {
  it('EMO-DB leave-one-speaker-out: 8 folds, every utterance tested exactly once', async () => {
    const corpus = await readCorpus(join(dataDir, 'emodb'));
    const plan = protocolFolds(corpus.items, 'loso');
    expect(plan.folds).toHaveLength(8);
    const tested = new Map<string, number>();
    for (const f of plan.folds) {
      const train = speakersOf(f.train);
      for (const s of speakersOf(f.test)) expect(train.has(s)).toBe(false);
      expect(speakersOf(f.test).size).toBe(1);
      for (const it of f.test) tested.set(it.path, (tested.get(it.path) ?? 0) + 1);
    }
    expect(tested.size).toBe(corpus.items.length);
    expect([...tested.values()].every((n) => n === 1)).toBe(true);
  });

  it('RAVDESS speaker-kfold: 5 folds of 4 consecutive actors, 2 male and 2 female each', async () => {
    const corpus = await readCorpus(join(dataDir, 'ravdess'));
    const plan = protocolFolds(corpus.items, 'speaker-kfold');
    expect(plan.folds.map((f) => f.testSpeakers)).toEqual([1, 5, 9, 13, 17].map((a) => [0, 1, 2, 3].map((d) => `Actor_${String(a + d).padStart(2, '0')}`)));
    for (const f of plan.folds) {
      const train = speakersOf(f.train);
      for (const s of speakersOf(f.test)) expect(train.has(s)).toBe(false);
      const genders = new Map(f.test.map((it) => [it.speaker, it.gender]));
      expect([...genders.values()].filter((g) => g === 'male')).toHaveLength(2);
      expect(f.train.length + f.test.length).toBe(corpus.items.length);
    }
  });
});
