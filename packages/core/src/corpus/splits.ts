import { CorpusError } from '../errors.js';
import { createRng } from '../random.js';
import { compareSpeakerIds, sortSpeakerIds } from './speaker-order.js';

/** What a split needs to know about an item; `CorpusItem` fits, and so do feature rows that carry these two fields. */
export interface SplittableItem {
  speaker: string;
  emotion: string;
}

export interface Fold<T> {
  name: string;
  train: T[];
  test: T[];
  /** Speakers with at least one test item, in natural order. */
  testSpeakers: string[];
  /** True when no speaker has items in both train and test: the only honest estimate for unseen speakers. */
  speakerIndependent: boolean;
}

export interface StratifiedSplitOptions {
  /** Share of each emotion class that goes to test, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Integer seed; the same seed and input give the same split. */
  seed: number;
}

/**
 * A random train/test split stratified by emotion: each class sends round(n * testFraction) items to test, at least one
 * and at most n - 1 when it has two or more (a class with a single item stays in train). The same speakers end up in
 * both sets, so the fold is marked speaker-dependent: its accuracy overstates what unseen speakers would get.
 */
export function stratifiedSplit<T extends SplittableItem>(items: readonly T[], options: StratifiedSplitOptions): Fold<T> {
  const { testFraction = 0.2, seed } = options;
  requireItems(items, 'stratifiedSplit');
  if (!Number.isFinite(testFraction) || testFraction <= 0 || testFraction >= 1) {
    throw new CorpusError(`stratifiedSplit: testFraction must be between 0 and 1 (exclusive), got ${testFraction}`);
  }
  if (!Number.isInteger(seed)) throw new CorpusError(`stratifiedSplit: seed must be an integer, got ${seed}`);

  const rng = createRng(seed);
  const byClass = new Map<string, number[]>();
  items.forEach((item, index) => {
    const members = byClass.get(item.emotion) ?? [];
    members.push(index);
    byClass.set(item.emotion, members);
  });

  const testIndexes = new Set<number>();
  // Classes in sorted order so the random draws do not depend on which class happens to come first in the input.
  for (const emotion of [...byClass.keys()].sort()) {
    const members = byClass.get(emotion) ?? [];
    const n = members.length;
    if (n < 2) continue;
    const testCount = Math.min(n - 1, Math.max(1, Math.round(n * testFraction)));
    for (const index of rng.shuffle([...members]).slice(0, testCount)) testIndexes.add(index);
  }
  if (testIndexes.size === 0) {
    throw new CorpusError('stratifiedSplit: no emotion class has two items, so no test set can be drawn');
  }

  const train: T[] = [];
  const test: T[] = [];
  items.forEach((item, index) => (testIndexes.has(index) ? test : train).push(item));
  const testPercent = Math.round(testFraction * 100);
  return {
    name: `random-${100 - testPercent}/${testPercent} (speaker-dependent)`,
    train,
    test,
    testSpeakers: sortSpeakerIds(test.map((item) => item.speaker)),
    speakerIndependent: false,
  };
}

/** One fold per speaker (natural order), testing on that speaker and training on all others. */
export function leaveOneSpeakerOut<T extends SplittableItem>(items: readonly T[]): Fold<T>[] {
  requireItems(items, 'leaveOneSpeakerOut');
  const speakers = sortSpeakerIds(items.map((item) => item.speaker));
  if (speakers.length < 2) {
    throw new CorpusError(`leaveOneSpeakerOut needs at least 2 speakers, the items have ${speakers.length} (${speakers.join(', ')})`);
  }
  return speakers.map((speaker) => speakerFold(items, [speaker], `loso-${speaker}`));
}

export type SpeakerKFoldOptions =
  /** Speakers in natural order, cut into k consecutive groups whose sizes differ by at most one. */
  | { k: number }
  /** Explicit test groups: every speaker of the items in exactly one group. */
  | { groups: readonly (readonly string[])[] };

/**
 * Speaker-independent k-fold: each fold tests on one group of speakers and trains on the rest. Consecutive groups in
 * natural order (rather than random ones) keep folds stable and comparable across runs and papers, e.g. RAVDESS actors
 * 01-20 with k = 5 give 01-04, 05-08, ... with two men and two women each.
 */
export function speakerKFold<T extends SplittableItem>(items: readonly T[], options: SpeakerKFoldOptions): Fold<T>[] {
  requireItems(items, 'speakerKFold');
  const speakers = sortSpeakerIds(items.map((item) => item.speaker));
  const groups = 'groups' in options ? checkGroups(options.groups, speakers) : consecutiveGroups(speakers, options.k);
  return groups.map((group, i) => speakerFold(items, group, `speaker-fold-${i + 1}-of-${groups.length}`));
}

function consecutiveGroups(speakers: readonly string[], k: number): string[][] {
  if (!Number.isInteger(k) || k < 2) throw new CorpusError(`speakerKFold: k must be an integer of at least 2, got ${k}`);
  if (k > speakers.length) {
    throw new CorpusError(`speakerKFold: k = ${k} is more folds than speakers (${speakers.length}); use k <= ${speakers.length}`);
  }
  const base = Math.floor(speakers.length / k);
  const larger = speakers.length % k; // the first `larger` groups take one extra speaker
  const groups: string[][] = [];
  let start = 0;
  for (let i = 0; i < k; i++) {
    const size = base + (i < larger ? 1 : 0);
    groups.push(speakers.slice(start, start + size));
    start += size;
  }
  return groups;
}

function checkGroups(groups: readonly (readonly string[])[], speakers: readonly string[]): string[][] {
  if (groups.length < 2) throw new CorpusError(`speakerKFold: needs at least 2 groups, got ${groups.length}`);
  const known = new Set(speakers);
  const seen = new Map<string, number>();
  groups.forEach((group, i) => {
    if (group.length === 0) throw new CorpusError(`speakerKFold: group ${i + 1} is empty`);
    for (const speaker of group) {
      const earlier = seen.get(speaker);
      if (earlier !== undefined) {
        throw new CorpusError(`speakerKFold: speaker '${speaker}' is in group ${earlier + 1} and group ${i + 1}; each speaker belongs to exactly one`);
      }
      // A name with no items is almost always a typo ('12' for 'Actor_12') that would silently empty a test set.
      if (!known.has(speaker)) throw new CorpusError(`speakerKFold: speaker '${speaker}' in group ${i + 1} has no items`);
      seen.set(speaker, i);
    }
  });
  const missing = speakers.filter((s) => !seen.has(s));
  if (missing.length > 0) throw new CorpusError(`speakerKFold: speakers in no group: ${missing.join(', ')}`);
  return groups.map((group) => [...group].sort(compareSpeakerIds));
}

function speakerFold<T extends SplittableItem>(items: readonly T[], testSpeakers: readonly string[], name: string): Fold<T> {
  const inTest = new Set(testSpeakers);
  const train: T[] = [];
  const test: T[] = [];
  for (const item of items) (inTest.has(item.speaker) ? test : train).push(item);
  return { name, train, test, testSpeakers: [...testSpeakers], speakerIndependent: true };
}

function requireItems(items: readonly unknown[], fn: string): void {
  if (items.length === 0) throw new CorpusError(`${fn}: no items to split`);
}
