import { describe, expect, it } from 'vitest';
import { CorpusError } from '../src/errors.js';
import { createRng } from '../src/random.js';
import { compareSpeakerIds, leaveOneSpeakerOut, sortSpeakerIds, speakerKFold, stratifiedSplit, type Fold } from '../src/corpus/index.js';

interface Row {
  id: number;
  speaker: string;
  emotion: string;
}

const SEEDS = [1, 2, 3, 42, 1234, 99991];
const CLASSES = ['angry', 'happy', 'sad', 'neutral', 'fearful'];

/** A random corpus: 2-14 speakers, each with a random number of items per class (some classes tiny or absent). */
function syntheticCorpus(seed: number): Row[] {
  const rng = createRng(seed);
  const speakerCount = 2 + rng.int(13);
  const rows: Row[] = [];
  for (let s = 0; s < speakerCount; s++) {
    for (const emotion of CLASSES) {
      const n = rng.int(7);
      for (let i = 0; i < n; i++) rows.push({ id: rows.length, speaker: `spk${s + 1}`, emotion });
    }
  }
  // Make sure every speaker has at least one item.
  for (let s = 0; s < speakerCount; s++) rows.push({ id: rows.length, speaker: `spk${s + 1}`, emotion: 'neutral' });
  return rng.shuffle(rows);
}

function ids(rows: readonly Row[]): number[] {
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

function speakersOf(rows: readonly Row[]): Set<string> {
  return new Set(rows.map((r) => r.speaker));
}

function expectPartition(fold: Fold<Row>, all: readonly Row[]): void {
  expect(fold.train.length + fold.test.length).toBe(all.length);
  expect(ids([...fold.train, ...fold.test])).toEqual(ids(all));
}

function expectSpeakerIndependent(fold: Fold<Row>): void {
  expect(fold.speakerIndependent).toBe(true);
  const train = speakersOf(fold.train);
  for (const speaker of speakersOf(fold.test)) expect(train.has(speaker)).toBe(false);
  expect(fold.testSpeakers).toEqual(sortSpeakerIds(speakersOf(fold.test)));
}

/** Every item is in the test set of exactly one fold. */
function expectEachItemTestedOnce(folds: readonly Fold<Row>[], all: readonly Row[]): void {
  const tested = folds.flatMap((f) => f.test.map((r) => r.id));
  expect(tested.sort((a, b) => a - b)).toEqual(ids(all));
}

function countBy(rows: readonly Row[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.emotion, (counts.get(r.emotion) ?? 0) + 1);
  return counts;
}

describe('createRng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(sa);
  });

  it('draws from [0, 1) and integers from [0, n), roughly uniformly', () => {
    const rng = createRng(123);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) {
      const x = rng.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const k = rng.int(10);
      expect(Number.isInteger(k) && k >= 0 && k < 10).toBe(true);
      buckets[k] = (buckets[k] ?? 0) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('shuffles in place into a permutation', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    const shuffled = createRng(5).shuffle(a);
    expect(shuffled).toBe(a);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(createRng(5).shuffle(Array.from({ length: 100 }, (_, i) => i))).toEqual(a);
  });

  it('rejects non-integer seeds and bounds', () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(1).int(0)).toThrow(RangeError);
    expect(() => createRng(1).int(2.5)).toThrow(RangeError);
  });
});

describe('speaker order', () => {
  it('sorts digit runs as numbers', () => {
    expect(sortSpeakerIds(['Actor_10', 'Actor_2', 'Actor_01', 'Actor_2'])).toEqual(['Actor_01', 'Actor_2', 'Actor_10']);
    expect(sortSpeakerIds(['10', '9', '1001', '03'])).toEqual(['03', '9', '10', '1001']);
    expect(sortSpeakerIds(['YAF', 'OAF', 'KL', 'DC'])).toEqual(['DC', 'KL', 'OAF', 'YAF']);
    expect(compareSpeakerIds('01', '1')).not.toBe(0);
    expect(compareSpeakerIds('01', '1')).toBe(-compareSpeakerIds('1', '01'));
  });
});

describe('leaveOneSpeakerOut', () => {
  it.each(SEEDS)('gives one speaker-independent fold per speaker (corpus seed %i)', (seed) => {
    const rows = syntheticCorpus(seed);
    const folds = leaveOneSpeakerOut(rows);
    const speakers = sortSpeakerIds(rows.map((r) => r.speaker));
    expect(folds.map((f) => f.testSpeakers)).toEqual(speakers.map((s) => [s]));
    expect(folds.map((f) => f.name)).toEqual(speakers.map((s) => `loso-${s}`));
    for (const fold of folds) {
      expectSpeakerIndependent(fold);
      expectPartition(fold, rows);
    }
    expectEachItemTestedOnce(folds, rows);
  });

  it('keeps input order inside train and test', () => {
    const rows = syntheticCorpus(9);
    const fold = leaveOneSpeakerOut(rows)[0];
    expect(fold?.test).toEqual(rows.filter((r) => r.speaker === fold?.testSpeakers[0]));
  });

  it('rejects empty input and a single speaker', () => {
    expect(() => leaveOneSpeakerOut([])).toThrow(CorpusError);
    expect(() => leaveOneSpeakerOut([{ speaker: 'a', emotion: 'sad' }])).toThrow(/at least 2 speakers.*have 1 \(a\)/);
  });
});

describe('speakerKFold', () => {
  it.each(SEEDS)('cuts speakers into k consecutive, balanced, disjoint groups (corpus seed %i)', (seed) => {
    const rows = syntheticCorpus(seed);
    const speakers = sortSpeakerIds(rows.map((r) => r.speaker));
    for (let k = 2; k <= Math.min(6, speakers.length); k++) {
      const folds = speakerKFold(rows, { k });
      expect(folds).toHaveLength(k);
      expect(folds.flatMap((f) => f.testSpeakers)).toEqual(speakers);
      const sizes = folds.map((f) => f.testSpeakers.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(folds.map((f) => f.name)).toEqual(folds.map((_, i) => `speaker-fold-${i + 1}-of-${k}`));
      for (const fold of folds) {
        expectSpeakerIndependent(fold);
        expectPartition(fold, rows);
      }
      expectEachItemTestedOnce(folds, rows);
    }
  });

  it('cuts 20 actors into 5 folds of 4 in natural order', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ speaker: `Actor_${String(20 - i).padStart(2, '0')}`, emotion: 'calm' }));
    const folds = speakerKFold(rows, { k: 5 });
    expect(folds.map((f) => f.testSpeakers)).toEqual([
      ['Actor_01', 'Actor_02', 'Actor_03', 'Actor_04'],
      ['Actor_05', 'Actor_06', 'Actor_07', 'Actor_08'],
      ['Actor_09', 'Actor_10', 'Actor_11', 'Actor_12'],
      ['Actor_13', 'Actor_14', 'Actor_15', 'Actor_16'],
      ['Actor_17', 'Actor_18', 'Actor_19', 'Actor_20'],
    ]);
  });

  it('gives the extra speakers to the first groups', () => {
    const rows = ['1', '2', '3', '4', '5', '6', '7', '8'].map((speaker) => ({ speaker, emotion: 'sad' }));
    expect(speakerKFold(rows, { k: 3 }).map((f) => f.testSpeakers)).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7', '8']]);
  });

  it.each(SEEDS)('honours explicit groups (corpus seed %i)', (seed) => {
    const rows = syntheticCorpus(seed);
    const speakers = createRng(seed).shuffle(sortSpeakerIds(rows.map((r) => r.speaker)));
    const half = Math.ceil(speakers.length / 2);
    const groups = [speakers.slice(0, half), speakers.slice(half)];
    const folds = speakerKFold(rows, { groups });
    expect(folds.map((f) => f.testSpeakers)).toEqual(groups.map((g) => sortSpeakerIds(g)));
    for (const fold of folds) {
      expectSpeakerIndependent(fold);
      expectPartition(fold, rows);
    }
    expectEachItemTestedOnce(folds, rows);
  });

  const four = ['a', 'b', 'c', 'd'].map((speaker) => ({ speaker, emotion: 'happy' }));

  it.each([
    [{ k: 1 }, /k must be an integer of at least 2, got 1/],
    [{ k: 0 }, /at least 2/],
    [{ k: 2.5 }, /k must be an integer/],
    [{ k: 5 }, /k = 5 is more folds than speakers \(4\)/],
    [{ groups: [['a', 'b', 'c', 'd']] }, /at least 2 groups/],
    [{ groups: [['a', 'b'], ['c']] }, /speakers in no group: d/],
    [{ groups: [['a', 'b'], ['b', 'c', 'd']] }, /'b' is in group 1 and group 2/],
    [{ groups: [['a', 'b'], ['c', 'd', 'e']] }, /'e' in group 2 has no items/],
    [{ groups: [['a', 'b', 'c', 'd'], []] }, /group 2 is empty/],
  ])('rejects %j', (options, reason) => {
    expect(() => speakerKFold(four, options)).toThrow(CorpusError);
    expect(() => speakerKFold(four, options)).toThrow(reason);
  });

  it('rejects empty input', () => {
    expect(() => speakerKFold([], { k: 2 })).toThrow(/no items/);
  });
});

describe('stratifiedSplit', () => {
  it.each(SEEDS)('keeps class proportions within one item per class (corpus seed %i)', (seed) => {
    const rows = syntheticCorpus(seed);
    for (const testFraction of [0.1, 0.2, 0.25, 0.5, 0.9]) {
      const fold = stratifiedSplit(rows, { testFraction, seed });
      expectPartition(fold, rows);
      const all = countBy(rows);
      const test = countBy(fold.test);
      const train = countBy(fold.train);
      for (const [emotion, n] of all) {
        const t = test.get(emotion) ?? 0;
        expect(Math.abs(t - n * testFraction)).toBeLessThanOrEqual(1);
        if (n >= 2) {
          expect(t).toBeGreaterThanOrEqual(1);
          expect(train.get(emotion) ?? 0).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });

  it('is labelled speaker-dependent', () => {
    const rows = syntheticCorpus(3);
    const fold = stratifiedSplit(rows, { seed: 1 });
    expect(fold.speakerIndependent).toBe(false);
    expect(fold.name).toBe('random-80/20 (speaker-dependent)');
    expect(stratifiedSplit(rows, { seed: 1, testFraction: 0.25 }).name).toBe('random-75/25 (speaker-dependent)');
    expect(fold.testSpeakers).toEqual(sortSpeakerIds(fold.test.map((r) => r.speaker)));
  });

  it.each(SEEDS)('is the same for the same seed and differs for another (seed %i)', (seed) => {
    const rows = syntheticCorpus(seed);
    const a = stratifiedSplit(rows, { seed });
    const b = stratifiedSplit(rows, { seed });
    const c = stratifiedSplit(rows, { seed: seed + 1 });
    expect(ids(b.test)).toEqual(ids(a.test));
    expect(b.train.map((r) => r.id)).toEqual(a.train.map((r) => r.id));
    expect(ids(c.test)).not.toEqual(ids(a.test));
  });

  it('leaves a class with a single item in train', () => {
    const rows = [
      { speaker: 'a', emotion: 'sad' },
      { speaker: 'a', emotion: 'happy' },
      { speaker: 'b', emotion: 'happy' },
    ];
    const fold = stratifiedSplit(rows, { seed: 4, testFraction: 0.5 });
    expect(fold.test).toHaveLength(1);
    expect(fold.test[0]?.emotion).toBe('happy');
    expect(fold.train).toContain(rows[0]);
  });

  it.each([0, 1, -0.1, 1.5, Number.NaN])('rejects testFraction %d', (testFraction) => {
    expect(() => stratifiedSplit(syntheticCorpus(1), { seed: 1, testFraction })).toThrow(/testFraction must be between 0 and 1/);
  });

  it('rejects empty input, a non-integer seed and classes too small to test', () => {
    expect(() => stratifiedSplit([], { seed: 1 })).toThrow(CorpusError);
    expect(() => stratifiedSplit(syntheticCorpus(1), { seed: 0.5 })).toThrow(/seed must be an integer/);
    expect(() => stratifiedSplit([{ speaker: 'a', emotion: 'sad' }, { speaker: 'b', emotion: 'happy' }], { seed: 1 })).toThrow(
      /no emotion class has two items/,
    );
  });
});
