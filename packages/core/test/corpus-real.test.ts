import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { leaveOneSpeakerOut, readCorpus, speakerKFold, summarizeCorpus, type Corpus } from '../src/corpus/index.js';

// The development corpora live outside the repository (they may never enter its history); see <data>/README.md.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = process.env.SER_DATA_DIR ?? resolve(repoRoot, '../shared/data');
const emodbDir = join(dataDir, 'emodb', 'wav');
const ravdessDir = join(dataDir, 'ravdess');
const haveEmodb = existsSync(emodbDir);
const haveRavdess = existsSync(ravdessDir);

for (const [name, dir, found] of [
  ['EMO-DB', emodbDir, haveEmodb],
  ['RAVDESS', ravdessDir, haveRavdess],
] as const) {
  if (!found) console.warn(`${name} tests skipped: no corpus at ${dir} (set SER_DATA_DIR to the folder that holds emodb/ and ravdess/)`);
}

describe.skipIf(!haveEmodb)('EMO-DB (real data)', () => {
  let corpus: Corpus;
  beforeAll(async () => {
    corpus = await readCorpus(emodbDir);
  });

  it('is detected and read completely', () => {
    expect(corpus.name).toBe('emodb');
    expect(corpus.items).toHaveLength(408);
    expect(corpus.items.every((item) => item.text !== undefined && item.gender !== undefined)).toBe(true);
  });

  it('has the known per-emotion, per-speaker and speaker x emotion counts', () => {
    const summary = summarizeCorpus(corpus.items);
    expect(summary.perEmotion).toEqual({ neutral: 63, happy: 54, sad: 49, angry: 100, fearful: 54, disgust: 30, boredom: 58 });
    const sum = (counts: Record<string, number | undefined>): number => Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);
    expect(sum(summary.perEmotion)).toBe(408);
    expect(sum(summary.perSpeaker)).toBe(408);
    expect(summary.perSpeaker).toEqual({ '03': 49, '08': 58, '09': 43, '10': 38, '11': 55, '12': 35, '13': 61, '14': 69 });
    expect(summary.speakers).toEqual(['03', '08', '09', '10', '11', '12', '13', '14']);
    expect(summary.emotions).toEqual(['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'boredom']);
    expect(summary.perSpeakerEmotion).toEqual({
      '03': { neutral: 11, happy: 7, sad: 7, angry: 14, fearful: 4, disgust: 1, boredom: 5 },
      '08': { neutral: 10, happy: 11, sad: 9, angry: 12, fearful: 6, boredom: 10 },
      '09': { neutral: 9, happy: 4, sad: 4, angry: 13, fearful: 1, disgust: 8, boredom: 4 },
      '10': { neutral: 4, happy: 4, sad: 3, angry: 10, fearful: 8, disgust: 1, boredom: 8 },
      '11': { neutral: 9, happy: 8, sad: 7, angry: 11, fearful: 10, disgust: 2, boredom: 8 },
      '12': { neutral: 4, happy: 2, sad: 4, angry: 12, fearful: 6, disgust: 2, boredom: 5 },
      '13': { neutral: 9, happy: 10, sad: 5, angry: 12, fearful: 7, disgust: 8, boredom: 10 },
      '14': { neutral: 7, happy: 8, sad: 10, angry: 16, fearful: 12, disgust: 8, boredom: 8 },
    });
  });

  it('gives 8 leave-one-speaker-out folds', () => {
    const folds = leaveOneSpeakerOut(corpus.items);
    expect(folds.map((f) => f.testSpeakers)).toEqual([['03'], ['08'], ['09'], ['10'], ['11'], ['12'], ['13'], ['14']]);
    expect(folds.map((f) => f.test.length)).toEqual([49, 58, 43, 38, 55, 35, 61, 69]);
    for (const fold of folds) {
      expect(fold.train.length + fold.test.length).toBe(408);
      expect(fold.train.some((item) => item.speaker === fold.testSpeakers[0])).toBe(false);
    }
  });
});

describe.skipIf(!haveRavdess)('RAVDESS (real data)', () => {
  let corpus: Corpus;
  beforeAll(async () => {
    corpus = await readCorpus(ravdessDir);
  });

  it('is detected and read completely', () => {
    expect(corpus.name).toBe('ravdess');
    expect(corpus.items).toHaveLength(1200);
  });

  it('has 20 actors with 60 files each, half of them women', () => {
    const summary = summarizeCorpus(corpus.items);
    const actors = Array.from({ length: 20 }, (_, i) => `Actor_${String(i + 1).padStart(2, '0')}`);
    expect(summary.perSpeaker).toEqual(Object.fromEntries(actors.map((a) => [a, 60])));
    expect(corpus.items.filter((item) => item.gender === 'male')).toHaveLength(600);
    expect(corpus.items.filter((item) => item.gender === 'female')).toHaveLength(600);
  });

  it('has 80 neutral and 160 of every other emotion', () => {
    expect(summarizeCorpus(corpus.items).perEmotion).toEqual({
      neutral: 80,
      calm: 160,
      happy: 160,
      sad: 160,
      angry: 160,
      fearful: 160,
      disgust: 160,
      surprised: 160,
    });
    expect(corpus.items.filter((item) => item.intensity === 'strong')).toHaveLength(560);
  });

  it('cuts into 5 speaker folds of 4 actors, 2 men and 2 women each', () => {
    const folds = speakerKFold(corpus.items, { k: 5 });
    expect(folds.map((f) => f.testSpeakers)).toEqual(
      [0, 4, 8, 12, 16].map((start) => [1, 2, 3, 4].map((i) => `Actor_${String(start + i).padStart(2, '0')}`)),
    );
    for (const fold of folds) {
      expect(fold.speakerIndependent).toBe(true);
      expect(fold.test).toHaveLength(240);
      expect(fold.train).toHaveLength(960);
      const genders = fold.testSpeakers.map((s) => fold.test.find((item) => item.speaker === s)?.gender);
      expect(genders.filter((g) => g === 'male')).toHaveLength(2);
      expect(genders.filter((g) => g === 'female')).toHaveLength(2);
    }
  });
});
