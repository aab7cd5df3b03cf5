/**
 * Every deep architecture, trained briefly on real speech and saved as a model folder, gives the same label through
 * EmotionModel (onnxruntime-node, features computed from the audio) as the tfjs network (DeepClassifier, features from
 * the corpus cache) on every EMO-DB file. This is the contract `ser predict` relies on.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMOTIONS, EmotionModel, type Matrix } from '@ser/core';
import { DEEP_ARCHITECTURES, architectureInput, createDeepClassifier, saveModelFolder, type DeepArchitecture } from '@ser/training';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusFeatures, type CorpusFeatures } from '../src/corpus-features.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const emodb = join(process.env.SER_DATA_DIR ?? resolve(repoRoot, '../shared/data'), 'emodb', 'wav');
const found = existsSync(emodb);
if (!found) console.warn(`ONNX-vs-tfjs label test skipped: no EMO-DB at ${emodb} (set SER_DATA_DIR)`);

const work = mkdtempSync(join(tmpdir(), 'ser-arch-onnx-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const cache = join(work, 'cache');
const features: Partial<Record<'classic193' | 'functionals' | 'logmel', CorpusFeatures>> = {};

async function corpus(preset: 'classic193' | 'functionals' | 'logmel'): Promise<CorpusFeatures> {
  features[preset] ??= await corpusFeatures(emodb, { preset, cacheDir: cache, quiet: true });
  return features[preset];
}

describe.skipIf(!found)('ONNX (EmotionModel) and tfjs agree on the label of every EMO-DB file', () => {
  // The last case is the shipped configuration: a dnn ensemble on the functionals vector.
  const cases: [DeepArchitecture, 'classic193' | 'functionals', number][] = [...DEEP_ARCHITECTURES.map((a): [DeepArchitecture, 'classic193', number] => [a, 'classic193', 1]), ['dnn', 'functionals', 3]];
  it.each(cases)('%s (%s, ensemble of %i)', async (arch: DeepArchitecture, vector, ensemble) => {
    const logmel = architectureInput(arch) === 'logmel';
    const f = await corpus(logmel ? 'logmel' : vector);
    const present = new Set(f.data.emotions);
    const labels = (EMOTIONS as readonly string[]).filter((e) => present.has(e));
    const rows = logmel ? f.data.matrices!.map((m: Matrix) => m.data) : f.data.x;
    // Two speakers and a few epochs: enough to make the outputs far from uniform, quick on two cores.
    const train = f.data.speakers.map((s, i) => (s === '03' || s === '08' ? i : -1)).filter((i) => i >= 0);
    const clf = createDeepClassifier(arch, 3, { epochs: logmel ? 2 : 10, validation: false, ensemble, ...(logmel ? {} : { preset: vector }) });
    try {
      await clf.fit(train.map((i) => rows[i]!), train.map((i) => labels.indexOf(f.data.emotions[i]!)), { nClasses: labels.length });
      const dir = join(work, `${arch}-${vector}-${ensemble}`);
      await saveModelFolder(clf, dir, {
        name: `test-${arch}`,
        description: 'test',
        labels,
        sampleRate: 16000,
        corpora: [{ name: 'emodb', files: train.length, speakers: 2, licence: 'test' }],
        protocol: 'none',
        verifyOn: logmel ? f.data.matrices! : f.data.x,
      });
      const tfjs = await clf.predictProba(rows);
      const model = await EmotionModel.load(dir);
      try {
        const onnx = await model.predictBatch(f.paths);
        let agree = 0;
        onnx.forEach((r, i) => {
          if (!r.ok) throw r.error;
          const p = tfjs[i]!;
          if (r.prediction.label === labels[p.indexOf(Math.max(...p))]) agree++;
          labels.forEach((l, k) => expect(Math.abs(r.prediction.scores[l]! - p[k]!)).toBeLessThan(1e-4));
        });
        expect(agree).toBe(f.paths.length);
      } finally {
        await model.dispose();
      }
    } finally {
      clf.dispose();
    }
  }, 600_000);
});
