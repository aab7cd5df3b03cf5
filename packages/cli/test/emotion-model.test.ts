/**
 * EmotionModel (@ser/core) end to end with ONNX models exported by @ser/training: its predictions must equal the
 * tfjs network's on the same features (computed here step by step), and every broken model folder must give a
 * ModelError that names the file and the fix. Lives here because @ser/core must not depend on @ser/training.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AudioDecodeError, EmotionModel, FeatureExtractor, ModelError, cutWindows, loadAudio, type Prediction } from '@ser/core';
import { tf } from '@ser/training';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS, RATE, WINDOW, card, classicModel, logmelModel, speechLikeWav, writeClips, type TestModel } from './helpers/models.js';

const work = mkdtempSync(join(tmpdir(), 'ser-model-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fx = new FeatureExtractor();
const clips = writeClips(join(work, 'clips'));

/** The tfjs network on features computed step by step, independently of EmotionModel's code path. */
async function reference(m: TestModel, file: string): Promise<{ scores: number[]; windows: number[][] }> {
  const { samples } = await loadAudio(file, { sampleRate: RATE });
  const n = m.card.normalization;
  let examples: Float32Array[];
  if (m.card.input.preset === 'classic193') {
    const v = fx.classic193(samples, RATE);
    examples = [n.kind === 'feature' ? v.map((x, f) => (x - n.mean[f]!) / n.std[f]!) : v];
  } else {
    const mel = fx.logmel(samples, RATE);
    const data = Float32Array.from(mel.data);
    if (n.kind === 'utterance') {
      const mean = data.reduce((s, x) => s + x, 0) / data.length;
      const std = Math.sqrt(data.reduce((s, x) => s + (x - mean) ** 2, 0) / data.length);
      data.forEach((x, i) => (data[i] = (x - mean) / std));
    }
    examples = cutWindows({ data, rows: mel.rows, cols: mel.cols }, WINDOW);
    // time-major windows: w[t * 128 + band]
    if (n.kind === 'feature') for (const w of examples) w.forEach((x, i) => (w[i] = (x - n.mean[i % 128]!) / n.std[i % 128]!));
  }
  const size = m.card.input.shape.reduce((a, b) => a * b, 1);
  const flat = new Float32Array(examples.length * size);
  examples.forEach((e, i) => flat.set(e, i * size));
  const windows = tf.tidy(() => (m.model.predict(tf.tensor(flat, [examples.length, ...m.card.input.shape])) as tf.Tensor).arraySync() as number[][]);
  const scores = LABELS.map((_, k) => windows.reduce((s, w) => s + w[k]!, 0) / windows.length);
  return { scores, windows };
}

function expectSameAsReference(p: Prediction, ref: { scores: number[]; windows: number[][] }) {
  const got = LABELS.map((l) => p.scores[l]!);
  expect(Object.keys(p.scores)).toEqual(LABELS);
  got.forEach((s, k) => expect(Math.abs(s - ref.scores[k]!)).toBeLessThan(1e-4));
  expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  const best = ref.scores.indexOf(Math.max(...ref.scores));
  expect(p.label).toBe(LABELS[best]);
}

const models: Record<string, TestModel> = {};
beforeAll(async () => {
  models.classic = await classicModel(join(work, 'classic'), clips, fx);
  models.utterance = await logmelModel(join(work, 'logmel-utt'), 'utterance');
  models.feature = await logmelModel(join(work, 'logmel-feat'), 'feature', models.utterance.model);
}, 120_000);

describe.each(['classic', 'utterance', 'feature'])('EmotionModel on the %s test model', (name) => {
  it('gives the tfjs network\'s label and scores (within 1e-4) on every clip; scores sum to 1', async () => {
    const m = models[name]!;
    const em = await EmotionModel.load(m.dir, { extractor: fx });
    try {
      expect(em.labels).toEqual(LABELS);
      expect(em.card.input.preset).toBe(name === 'classic' ? 'classic193' : 'logmel');
      for (const clip of clips) {
        const ref = await reference(m, clip);
        const p = await em.predict(clip);
        expectSameAsReference(p, ref);
        if (name === 'classic') {
          expect(p.windows).toBeUndefined();
        } else {
          // one row per window (the 0.2 s clip is one padded window), whose mean is the score
          expect(p.windows!.length).toBe(ref.windows.length);
          if (clip.endsWith('short.wav')) expect(p.windows).toHaveLength(1);
          p.windows!.forEach((w, i) => w.forEach((x, k) => expect(Math.abs(x - ref.windows[i]![k]!)).toBeLessThan(1e-4)));
        }
      }
      // a long clip is cut into several windows
      if (name !== 'classic') expect((await em.predict(clips[1]!)).windows!.length).toBeGreaterThan(5);
    } finally {
      await em.dispose();
    }
  });
});

describe('EmotionModel inputs', () => {
  it('takes a path, file bytes or decoded samples at any rate, with the same result', async () => {
    const em = await EmotionModel.load(models.classic!.dir, { extractor: fx });
    const clip = clips[2]!; // stereo, 22.05 kHz
    const a = await em.predict(clip);
    const b = await em.predict(new Uint8Array(readFileSync(clip)));
    const decoded = await loadAudio(clip); // at its own rate: EmotionModel resamples
    const c = await em.predict({ samples: decoded.samples, sampleRate: decoded.sampleRate });
    for (const p of [b, c]) {
      expect(p.label).toBe(a.label);
      for (const l of LABELS) expect(p.scores[l]).toBeCloseTo(a.scores[l]!, 6);
    }
    await em.dispose();
    await expect(em.predict(clip)).rejects.toThrow(/disposed/);
  });

  it('a long recording (over 64 windows, run in pieces) gives the tfjs network\'s scores', async () => {
    const long = join(work, 'long.wav');
    writeFileSync(long, speechLikeWav(12, 5));
    for (const m of [models.utterance!, models.feature!]) {
      const em = await EmotionModel.load(m.dir, { extractor: fx });
      const p = await em.predict(long);
      const ref = await reference(m, long);
      expect(p.windows!.length).toBeGreaterThan(64);
      expect(p.windows!.length).toBe(ref.windows.length);
      expectSameAsReference(p, ref);
      await em.dispose();
    }
  });

  it('predictBatch keeps the order, reports a bad file in its item and still classifies the others', async () => {
    const em = await EmotionModel.load(models.utterance!.dir, { extractor: fx });
    const bad = join(work, 'bad.wav');
    writeFileSync(bad, 'not audio at all');
    const inputs = [clips[0]!, bad, clips[1]!, join(work, 'missing.wav'), clips[3]!];
    const progress: number[] = [];
    const out = await em.predictBatch(inputs, (done, total) => {
      expect(total).toBe(5);
      progress.push(done);
    });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(out.map((o) => o.index)).toEqual([0, 1, 2, 3, 4]);
    expect(out.map((o) => o.ok)).toEqual([true, false, true, false, true]);
    for (const o of out) {
      if (o.ok) {
        const single = await em.predict(o.input);
        expect(o.prediction.label).toBe(single.label);
        for (const l of LABELS) expect(o.prediction.scores[l]).toBeCloseTo(single.scores[l]!, 6);
      } else {
        expect(o.error).toBeInstanceOf(AudioDecodeError);
      }
    }
    await em.dispose();
  });

  it('audio that cannot be decoded gives AudioDecodeError naming the file', async () => {
    const em = await EmotionModel.load(models.classic!.dir, { extractor: fx });
    const bad = join(work, 'garbage.wav');
    writeFileSync(bad, new Uint8Array(300).map((_, i) => (i * 37) % 256));
    await expect(em.predict(bad)).rejects.toThrow(AudioDecodeError);
    await expect(em.predict(bad)).rejects.toThrow(bad);
    await expect(em.predict(new Uint8Array([1, 2, 3]))).rejects.toThrow(AudioDecodeError);
    await em.dispose();
  });
});

describe('broken model folders give a ModelError naming the file and the fix', () => {
  /** A copy of a good model folder with `change` applied. */
  function variant(name: string, from: TestModel, change: (dir: string) => void): string {
    const dir = join(work, 'broken', name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(from.dir, 'model.onnx'), join(dir, 'model.onnx'));
    copyFileSync(join(from.dir, 'card.json'), join(dir, 'card.json'));
    change(dir);
    return dir;
  }
  const writeCard = (dir: string, c: object) => writeFileSync(join(dir, 'card.json'), JSON.stringify(c));

  async function expectModelError(dir: string, ...patterns: (string | RegExp)[]) {
    const err = await EmotionModel.load(dir, { extractor: fx }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelError);
    for (const p of patterns) expect((err as Error).message).toMatch(p);
  }

  it('a card whose input.shape does not fit its features', async () => {
    const dir = variant('shape', models.classic!, (d) => writeCard(d, { ...models.classic!.card, input: { ...models.classic!.card.input, shape: [192] } }));
    await expectModelError(dir, join(dir, 'card.json'), /input\.shape is \[192\].*give \[193\]/);
  });

  it('a card whose window disagrees with the ONNX input', async () => {
    const c = card('logmel', { kind: 'utterance' }, [64, 128, 1]);
    const dir = variant('window', models.utterance!, (d) => writeCard(d, { ...c, input: { ...c.input, window: { frames: 64, hop: 32 } } }));
    await expectModelError(dir, join(dir, 'model.onnx'), /takes inputs of shape \[.*, 32, 128, 1\] but card\.json says input\.shape \[64, 128, 1\]/);
  });

  it('a card with more labels than the network has outputs', async () => {
    const dir = variant('labels', models.classic!, (d) => writeCard(d, { ...models.classic!.card, labels: [...LABELS, 'fearful'] }));
    await expectModelError(dir, /gives 4 scores per example but card\.json lists 5 labels/);
  });

  it('a feature normalisation of the wrong length', async () => {
    const dir = variant('norm', models.classic!, (d) => writeCard(d, { ...models.classic!.card, normalization: { kind: 'feature', mean: [0], std: [1] } }));
    await expectModelError(dir, /normalization has 1 means, but the classic193 features have 193/);
  });

  it('a missing model.onnx', async () => {
    const dir = variant('no-onnx', models.classic!, (d) => rmSync(join(d, 'model.onnx')));
    await expectModelError(dir, join(dir, 'model.onnx'), /missing/, /--model/, /ser train/);
  });

  it('a corrupt card.json, a missing card.json and a card of another format', async () => {
    const corrupt = variant('corrupt-card', models.classic!, (d) => writeFileSync(join(d, 'card.json'), '{"format": "ser-model-card/1", "labels": ['));
    await expectModelError(corrupt, join(corrupt, 'card.json'), /not valid JSON/);
    const none = variant('no-card', models.classic!, (d) => rmSync(join(d, 'card.json')));
    await expectModelError(none, join(none, 'card.json'), /missing/);
    const other = variant('other-card', models.classic!, (d) => writeCard(d, { format: 'something/2' }));
    await expectModelError(other, join(other, 'card.json'), /format is "something\/2"/);
  });

  it('garbage bytes as model.onnx', async () => {
    const dir = variant('garbage-onnx', models.classic!, (d) => writeFileSync(join(d, 'model.onnx'), new Uint8Array(4096).map((_, i) => (i * 131 + 7) % 256)));
    await expectModelError(dir, join(dir, 'model.onnx'), /onnxruntime cannot load it/, /corrupt or not an ONNX model/);
    const empty = variant('empty-onnx', models.classic!, (d) => writeFileSync(join(d, 'model.onnx'), ''));
    await expectModelError(empty, join(empty, 'model.onnx'));
  });

  it('a folder that does not exist, a file instead of a folder, and no default model', async () => {
    await expectModelError(join(work, 'nowhere'), /nowhere: no such model folder/, /--model/);
    await expectModelError(clips[0]!, /not a folder/);
    const saved = process.env.SER_MODEL_DIR;
    process.env.SER_MODEL_DIR = join(work, 'env-nowhere');
    try {
      const err = await EmotionModel.load(undefined, { extractor: fx }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect((err as Error).message).toMatch(/env-nowhere \(\$SER_MODEL_DIR\): no such model folder/);
      process.env.SER_MODEL_DIR = models.classic!.dir;
      const em = await EmotionModel.load(undefined, { extractor: fx });
      expect(em.card.name).toBe(models.classic!.card.name);
      await em.dispose();
    } finally {
      if (saved === undefined) delete process.env.SER_MODEL_DIR;
      else process.env.SER_MODEL_DIR = saved;
    }
  });
});

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const emodb = join(process.env.SER_DATA_DIR ?? resolve(repoRoot, '../shared/data'), 'emodb', 'wav');
const haveEmodb = existsSync(emodb);
if (!haveEmodb) console.warn(`EmotionModel on real recordings skipped: no EMO-DB at ${emodb} (set SER_DATA_DIR)`);

describe.skipIf(!haveEmodb)('EmotionModel on real recordings (EMO-DB)', () => {
  it('classifies real 16 kHz speech with both models, as the tfjs networks do', async () => {
    const files = readdirSync(emodb).filter((f) => f.endsWith('.wav')).sort().slice(0, 4).map((f) => join(emodb, f));
    for (const m of [models.classic!, models.utterance!]) {
      const em = await EmotionModel.load(m.dir, { extractor: fx });
      const out = await em.predictBatch(files);
      for (const o of out) {
        expect(o.ok).toBe(true);
        if (o.ok) expectSameAsReference(o.prediction, await reference(m, files[o.index]!));
      }
      await em.dispose();
    }
  });
});
