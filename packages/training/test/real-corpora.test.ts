/**
 * The honest-evaluation floor on real speakers: our SVM on our own classic193 features must land within 3 UAR points
 * of scikit-learn's on librosa's features for exactly these corpus copies (EMO-DB leave-one-speaker-out 0.550,
 * RAVDESS 5 speaker folds 0.398), which says features, scaler, tuning and protocol are sound together.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeatureCache, FeatureExtractor, readCorpus } from '@ser/core';
import { afterAll, describe, expect, it } from 'vitest';
import { crossValidate, type LabelledRows } from '../src/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = process.env.SER_DATA_DIR ?? resolve(repoRoot, '../shared/data');
const cacheDir = process.env.SER_TEST_CACHE_DIR ?? mkdtempSync(join(tmpdir(), 'ser-cv-'));
afterAll(() => {
  if (!process.env.SER_TEST_CACHE_DIR) rmSync(cacheDir, { recursive: true, force: true });
});

async function corpusRows(name: string): Promise<LabelledRows> {
  const corpus = await readCorpus(join(dataDir, name));
  const cache = new FeatureCache({ dir: cacheDir, preset: 'classic193', extractor: new FeatureExtractor() });
  const r = await cache.extractMany(corpus.items.map((it) => it.path));
  expect(r.failures).toEqual([]);
  return { x: r.features.map((m) => m!.data), speakers: corpus.items.map((it) => it.speaker), emotions: corpus.items.map((it) => it.emotion) };
}

for (const [name, protocol, reference] of [
  ['emodb', 'loso', 0.55],
  ['ravdess', 'speaker-kfold', 0.398],
] as const) {
  const found = existsSync(join(dataDir, name));
  if (!found) console.warn(`${name} evaluation test skipped: no corpus at ${join(dataDir, name)} (set SER_DATA_DIR)`);
  describe.skipIf(!found)(`${name}, ${protocol}`, () => {
    it(`SVM UAR within 3 points of scikit-learn's ${reference}; folds never share a speaker`, async () => {
      const data = await corpusRows(name);
      const result = await crossValidate(data, { protocol, model: 'svm', seed: 0 });
      expect(result.speakerIndependent).toBe(true);
      for (const f of result.folds) {
        const trainSpeakers = new Set(data.speakers.filter((s) => !f.testSpeakers.includes(s)));
        expect(f.testSpeakers.some((s) => trainSpeakers.has(s))).toBe(false);
        expect(f.nTrain + f.nTest).toBe(data.x.length);
      }
      expect(result.summary.pooled.n).toBe(data.x.length);
      expect(Math.abs(result.summary.pooled.uar - reference)).toBeLessThanOrEqual(0.03);
    }, 600_000);
  });
}
