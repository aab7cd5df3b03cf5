/**
 * A quick real-data check of the deep path: the dnn on classic193, EMO-DB, 2 folds by speaker, must beat chance
 * (1/7 UAR) by a wide margin. Full evaluations are scripts, not tests.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeatureCache, FeatureExtractor, readCorpus } from '@ser/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createDeepClassifier, crossValidate } from '../src/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = process.env.SER_DATA_DIR ?? resolve(repoRoot, '../shared/data');
const cacheDir = process.env.SER_TEST_CACHE_DIR ?? mkdtempSync(join(tmpdir(), 'ser-deep-real-'));
afterAll(() => {
  if (!process.env.SER_TEST_CACHE_DIR) rmSync(cacheDir, { recursive: true, force: true });
});

const found = existsSync(join(dataDir, 'emodb'));
if (!found) console.warn(`deep real-data test skipped: no EMO-DB at ${join(dataDir, 'emodb')} (set SER_DATA_DIR)`);

describe.skipIf(!found)('dnn on EMO-DB classic193', () => {
  it('2 speaker folds: UAR well above chance (1/7)', async () => {
    const corpus = await readCorpus(join(dataDir, 'emodb'));
    const cache = new FeatureCache({ dir: cacheDir, preset: 'classic193', extractor: new FeatureExtractor({ onWarning: () => {} }) });
    const r = await cache.extractMany(corpus.items.map((it) => it.path));
    expect(r.failures).toEqual([]);
    const data = { x: r.features.map((m) => m!.data), speakers: corpus.items.map((it) => it.speaker), emotions: corpus.items.map((it) => it.emotion) };
    const started = performance.now();
    const result = await crossValidate(data, { protocol: 'speaker-kfold', k: 2, seed: 0, model: (seed) => createDeepClassifier('dnn', seed, { epochs: 60 }) });
    const seconds = (performance.now() - started) / 1000;
    console.log(`dnn EMO-DB 2 speaker folds: UAR ${result.summary.pooled.uar.toFixed(3)}, accuracy ${result.summary.pooled.accuracy.toFixed(3)}, ${seconds.toFixed(1)} s, epochs ${result.folds.map((f) => f.params.epochs).join('/')}`);
    expect(result.speakerIndependent).toBe(true);
    expect(result.summary.pooled.n).toBe(data.x.length);
    expect(result.summary.pooled.uar).toBeGreaterThan(1 / 7 + 0.2);
  }, 180_000);
});
