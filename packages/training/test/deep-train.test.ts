import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, type Matrix } from '@ser/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeepClassifier,
  TrainingInterruptedError,
  buildArchitecture,
  carveValidation,
  createClassifier,
  createDeepClassifier,
  crossValidate,
  exportVerified,
  initTf,
  memberSeed,
  predictClasses,
  readCheckpoint,
  specAugment,
  betaSample,
  tf,
  trainModel,
  type EpochProgress,
} from '../src/index.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ser-deep-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
beforeAll(async () => {
  await initTf();
});

/** Three noisy blobs in `dims` dimensions, speakers s0..s5 taking turns. */
function blobs(n: number, seed: number, dims = 20) {
  const rng = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const x: Float32Array[] = [];
  const y: number[] = [];
  const speakers: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    x.push(Float32Array.from({ length: dims }, (_, j) => (j === c ? 4 : 0) + gauss()));
    y.push(c);
    speakers.push(`s${Math.floor(i / 3) % 6}`);
  }
  return { x, y, speakers };
}

/** Log-mel-like matrices (bands x frames, variable length): class c lifts band group c. */
function spectra(n: number, seed: number, bands = 16) {
  const rng = createRng(seed);
  const matrices: Matrix[] = [];
  const y: number[] = [];
  const speakers: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const cols = 20 + rng.int(30);
    const data = new Float32Array(bands * cols);
    for (let b = 0; b < bands; b++) {
      for (let t = 0; t < cols; t++) data[b * cols + t] = -60 + 10 * rng.next() + (Math.floor((b * 3) / bands) === c ? 25 : 0);
    }
    matrices.push({ data, rows: bands, cols });
    y.push(c);
    speakers.push(`s${Math.floor(i / 3) % 6}`);
  }
  return { matrices, y, speakers };
}

const flatWeights = (m: tf.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));

describe('DeepClassifier on rows', () => {
  it('dnn and cnn1d learn separable classes; probabilities sum to 1; info() describes the input', async () => {
    const train = blobs(240, 1);
    const test = blobs(60, 2);
    for (const arch of ['dnn', 'cnn1d'] as const) {
      const model = createDeepClassifier(arch, 3, { epochs: 30, widths: arch === 'dnn' ? [32, 16] : [16, 16], validation: false });
      await model.fit(train.x, train.y, { nClasses: 3 });
      const predicted = await predictClasses(model, test.x);
      const accuracy = predicted.filter((p, i) => p === test.y[i]).length / test.y.length;
      expect(accuracy, arch).toBeGreaterThan(0.9);
      for (const p of await model.predictProba(test.x)) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const info = model.info();
      expect(info).toMatchObject({ architecture: arch, preset: 'classic193', inputShape: [20], nClasses: 3 });
      expect(info.normalization.kind).toBe('feature');
      expect(model.model.inputs[0]!.shape).toEqual([null, 20]);
      model.dispose();
    }
  }, 120_000);

  // Seed 0 too: tfjs reads a seed of 0 as "none" and falls back to Math.random, so it needs its own check.
  it.each([0, 9])('repeats exactly with the same seed (%i)', async (seed) => {
    const train = blobs(90, 4);
    const run = async () => {
      const m = createDeepClassifier('dnn', seed, { epochs: 5, widths: [16], mixup: 0.2 });
      await m.fit(train.x, train.y, { nClasses: 3, groups: train.speakers });
      const p = await m.predictProba(train.x.slice(0, 10));
      m.dispose();
      return p;
    };
    expect(await run()).toEqual(await run());
  });

  it('holds out training speakers for validation, stops early and restores the best epoch', async () => {
    const train = blobs(180, 5);
    const epochs: EpochProgress[] = [];
    const m = createDeepClassifier('dnn', 1, { epochs: 60, widths: [16], earlyStopping: { patience: 3 }, onEpoch: (p) => epochs.push(p) });
    await m.fit(train.x, train.y, { nClasses: 3, groups: train.speakers });
    const info = m.info();
    expect(info.training.validationSpeakers).toHaveLength(1);
    expect(info.training.trainExamples).toBe(150);
    expect(info.training.stoppedEarly).toBe(true);
    expect(info.training.epochs).toBeLessThan(60);
    const best = Math.max(...epochs.map((e) => e.valUar!));
    expect(info.training.bestValUar).toBe(best);
    expect(epochs[info.training.bestEpoch - 1]!.valUar).toBe(best);
    for (const e of epochs) expect(e).toMatchObject({ epochs: 60, loss: expect.any(Number), accuracy: expect.any(Number), seconds: expect.any(Number), etaSeconds: expect.any(Number) });
    m.dispose();
  });
});

describe('DeepClassifier ensembles', () => {
  it('averages members trained with their own seeds and validation speakers, as one model that exports to ONNX', async () => {
    const train = blobs(180, 6);
    const test = blobs(30, 7);
    const options = { epochs: 4, widths: [16], normalization: 'none' as const };
    const ensemble = createDeepClassifier('dnn', 4, { ...options, ensemble: 3, preset: 'functionals' });
    await ensemble.fit(train.x, train.y, { nClasses: 3, groups: train.speakers });
    const info = ensemble.info();
    expect(info.preset).toBe('functionals');
    expect(info.members!.map((m) => m.seed)).toEqual([4, memberSeed(4, 1), memberSeed(4, 2)]);
    expect(new Set(info.members!.map((m) => m.validationSpeakers.join())).size).toBeGreaterThan(1);
    // Member m is exactly the network trained alone with memberSeed(4, m): the ensemble's output is their mean.
    const mean = test.x.map(() => [0, 0, 0]);
    for (let m = 0; m < 3; m++) {
      const single = createDeepClassifier('dnn', memberSeed(4, m), options);
      await single.fit(train.x, train.y, { nClasses: 3, groups: train.speakers });
      (await single.predictProba(test.x)).forEach((p, i) => p.forEach((v, k) => (mean[i]![k]! += v / 3)));
      single.dispose();
    }
    const proba = await ensemble.predictProba(test.x);
    proba.forEach((p, i) => p.forEach((v, k) => expect(v).toBeCloseTo(mean[i]![k]!, 5)));
    const model = ensemble.model;
    expect(model.layers.filter((l) => l.getClassName() === 'Average')).toHaveLength(1);
    const samples = tf.tensor2d(test.x.flatMap((r) => Array.from(r)), [test.x.length, 20]);
    const { verification } = await exportVerified(model, samples);
    expect(verification.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    samples.dispose();
    ensemble.dispose();
  }, 120_000);

  it('an ensemble of one is the plain network', async () => {
    const train = blobs(90, 8);
    const run = async (options: { ensemble?: number }) => {
      const m = createDeepClassifier('dnn', 2, { epochs: 3, widths: [16], ...options });
      await m.fit(train.x, train.y, { nClasses: 3, groups: train.speakers });
      const p = await m.predictProba(train.x.slice(0, 5));
      m.dispose();
      return p;
    };
    expect(await run({ ensemble: 1 })).toEqual(await run({}));
  });
});

describe('carveValidation', () => {
  it('takes whole training speakers (15%, at least 1), never augmented copies, and drops copies of held-out speakers', () => {
    const groups = Array.from({ length: 40 }, (_, i) => `s${i % 10}`);
    const augmented = groups.map((_, i) => i >= 30);
    const { trainIdx, valIdx, valSpeakers } = carveValidation(40, groups.map(() => 0), { nClasses: 1, groups, augmented }, {}, 0);
    expect(valSpeakers).toHaveLength(2);
    const held = new Set(valSpeakers);
    expect(valIdx.every((i) => held.has(groups[i]!) && !augmented[i])).toBe(true);
    expect(trainIdx.every((i) => !held.has(groups[i]!))).toBe(true);
    expect(trainIdx.length + valIdx.length).toBe(40 - 2); // the two copies of held-out speakers' utterances are dropped
    expect(carveValidation(40, groups.map(() => 0), { nClasses: 1, groups }, false, 0).valIdx).toEqual([]);
  });
});

describe('DeepClassifier on log-mel matrices', () => {
  it('vgg2d and resatt2d learn from windows and score utterances by the mean of their windows', async () => {
    const train = spectra(60, 7);
    const test = spectra(30, 8);
    for (const arch of ['vgg2d', 'resatt2d'] as const) {
      for (const normalization of ['utterance', 'feature'] as const) {
        const m = new DeepClassifier({ architecture: arch, seed: 2, bands: 16, window: { frames: 16, hop: 8 }, widths: [4, 8], epochs: 12, learningRate: 3e-3, normalization, validation: false });
        expect(m.inputKind).toBe('logmel');
        await m.fit(train.matrices.map((x) => x.data), train.y, { nClasses: 3 });
        const predicted = await predictClasses(m, test.matrices.map((x) => x.data));
        const accuracy = predicted.filter((p, i) => p === test.y[i]).length / test.y.length;
        expect(accuracy, `${arch} ${normalization}`).toBeGreaterThan(0.8);
        const info = m.info();
        expect(info).toMatchObject({ preset: 'logmel', window: { frames: 16, hop: 8 }, inputShape: [16, 16, 1] });
        expect(info.normalization.kind).toBe(normalization);
        if (info.normalization.kind === 'feature') expect(info.normalization.mean).toHaveLength(16);
        expect(info.training.trainExamples).toBeGreaterThan(60);
        m.dispose();
      }
    }
  }, 180_000);

  it('a trained log-mel classifier exports with exportVerified; info() gives the card its input', async () => {
    const train = spectra(18, 9);
    const m = new DeepClassifier({ architecture: 'resatt2d', seed: 1, bands: 16, window: { frames: 16, hop: 8 }, widths: [4], epochs: 2 });
    await m.fit(train.matrices.map((x) => x.data), train.y, { nClasses: 3, groups: train.speakers });
    const info = m.info();
    expect(info.training.validationSpeakers).toHaveLength(1);
    const samples = tf.randomNormal([100, ...info.inputShape], 0, 1, 'float32', 1);
    const { verification } = await exportVerified(m.model, samples);
    expect(verification.passed).toBe(true);
    samples.dispose();
    m.dispose();
  });

  it('rejects a row that is not whole frames of its bands', async () => {
    const m = new DeepClassifier({ architecture: 'vgg2d', bands: 16, window: { frames: 16, hop: 8 }, epochs: 1 });
    await expect(m.fit([new Float32Array(17), new Float32Array(32)], [0, 1], { nClasses: 2 })).rejects.toThrow(/whole number of 16-band frames/);
  });
});

describe('trainModel checkpoints', () => {
  const data = blobs(96, 11, 12);
  const build = () => buildArchitecture('dnn', { inputShape: [12], nClasses: 3, seed: 4, widths: [16] });
  const options = { epochs: 4, batchSize: 16, seed: 8, mixup: 0.3 };

  it('a run interrupted in epoch 3 and resumed ends at epoch 4 with the weights of an uninterrupted run', async () => {
    const reference = build();
    const full = await trainModel(reference, { ...data, nClasses: 3 }, options);
    expect(full.epochs).toBe(4);

    const dir = tempDir();
    const first = build();
    const controller = new AbortController();
    const seen: number[] = [];
    await expect(
      trainModel(first, { ...data, nClasses: 3 }, {
        ...options,
        checkpointDir: dir,
        signal: controller.signal,
        onEpoch: (p) => {
          seen.push(p.epoch);
          if (p.epoch === 2) controller.abort(); // the kill lands in the middle of epoch 3
        },
      }),
    ).rejects.toThrow(TrainingInterruptedError);
    expect(seen).toEqual([1, 2]);
    expect((await readCheckpoint<{ epoch: number }>(dir))!.state.epoch).toBe(2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    first.dispose();

    const second = build(); // a fresh process: new model, state only from the checkpoint
    const resumed = await trainModel(second, { ...data, nClasses: 3 }, { ...options, checkpointDir: dir, resume: true, onEpoch: (p) => seen.push(p.epoch) });
    expect(resumed.resumedFrom).toBe(2);
    expect(resumed.epochs).toBe(4);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    const a = flatWeights(reference);
    const b = flatWeights(second);
    expect(b.length).toBe(a.length);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i]!)))).toBeLessThanOrEqual(1e-6);
    reference.dispose();
    second.dispose();
  });

  it('refuses a checkpoint of another model', async () => {
    const dir = tempDir();
    const m = build();
    await trainModel(m, { ...data, nClasses: 3 }, { ...options, epochs: 1, checkpointDir: dir });
    m.dispose();
    const other = buildArchitecture('dnn', { inputShape: [12], nClasses: 3, seed: 4, widths: [8] });
    await expect(trainModel(other, { ...data, nClasses: 3 }, { ...options, checkpointDir: dir, resume: true })).rejects.toThrow(/another model/);
    other.dispose();
  });
});

describe('memory', () => {
  it('tf.memory().numTensors does not grow across fit, predict and dispose', async () => {
    const rows = blobs(60, 3);
    const mats = spectra(12, 3);
    const cycle = async () => {
      const a = createDeepClassifier('cnn1d', 0, { epochs: 2, widths: [4, 4], checkpointDir: tempDir() });
      await a.fit(rows.x, rows.y, { nClasses: 3, groups: rows.speakers });
      await a.predictProba(rows.x);
      a.dispose();
      const b = createDeepClassifier('resatt2d', 0, { epochs: 2, widths: [4], bands: 16, window: { frames: 16, hop: 8 }, mixup: 0.2 });
      await b.fit(mats.matrices.map((m) => m.data), mats.y, { nClasses: 3, groups: mats.speakers });
      await b.predictProba(mats.matrices.map((m) => m.data));
      b.dispose();
    };
    await cycle();
    const before = tf.memory().numTensors;
    await cycle();
    await cycle();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});

describe('online augmentation', () => {
  it('SpecAugment masks whole frames and whole bands with the fill value', () => {
    const w = new Float32Array(40 * 30).fill(1);
    specAugment(w, 40, 30, createRng(1), { timeMasks: 1, freqMasks: 1, maxTimeFraction: 0.25, maxFreqFraction: 0.25 });
    const zeroRows = Array.from({ length: 40 }, (_, t) => w.subarray(t * 30, t * 30 + 30).every((v) => v === 0)).filter(Boolean).length;
    const zeroCols = Array.from({ length: 30 }, (_, b) => Array.from({ length: 40 }, (_, t) => w[t * 30 + b]).every((v) => v === 0)).filter(Boolean).length;
    expect(zeroRows).toBeLessThanOrEqual(10);
    expect(zeroCols).toBeLessThanOrEqual(7);
    const masked = w.filter((v) => v === 0).length;
    expect(masked).toBe(zeroRows * 30 + zeroCols * 40 - zeroRows * zeroCols);
  });

  it('mixup weights follow Beta(alpha, alpha): mean 1/2, variance 1 / (4 (2 alpha + 1))', () => {
    const rng = createRng(3);
    const draws = Array.from({ length: 20000 }, () => betaSample(0.4, rng));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(variance).toBeCloseTo(1 / (4 * 1.8), 2);
  });
});

describe('crossValidate with deep models', () => {
  it('evaluates a log-mel model on matrices, with augmented copies only in training folds', async () => {
    const s = spectra(36, 12);
    const data = {
      x: [] as Float32Array[],
      matrices: s.matrices,
      speakers: s.speakers,
      emotions: s.y.map((c) => ['angry', 'happy', 'sad'][c]!),
      augmented: { source: s.matrices.map((_, i) => i), matrices: s.matrices.map((m) => ({ ...m, data: m.data.map((v) => v + 1) })) },
    };
    const seenTrain: number[] = [];
    const result = await crossValidate(data, {
      protocol: 'speaker-kfold',
      k: 3,
      model: (seed) => {
        const m = createDeepClassifier('vgg2d', seed, { epochs: 6, widths: [4, 8], bands: 16, window: { frames: 16, hop: 8 } });
        const fit = m.fit.bind(m);
        m.fit = (x, y, ctx) => {
          seenTrain.push(x.length, (ctx as { augmented?: boolean[] }).augmented!.filter(Boolean).length);
          return fit(x, y, ctx);
        };
        return m;
      },
    });
    expect(result.speakerIndependent).toBe(true);
    expect(result.folds).toHaveLength(3);
    result.folds.forEach((f, i) => {
      expect(seenTrain[2 * i]).toBe(2 * f.nTrain); // originals + one copy each, test speakers' copies excluded
      expect(seenTrain[2 * i + 1]).toBe(f.nTrain);
    });
    expect(result.summary.pooled.n).toBe(36);
    expect(result.model).toBe('vgg2d');
  }, 120_000);

  it('gives row models (classical ones too) the scaled augmented copies of training utterances only', async () => {
    const b = blobs(60, 13);
    const emotions = b.y.map((c) => ['angry', 'happy', 'sad'][c]!);
    const data = { x: b.x, speakers: b.speakers, emotions, augmented: { source: b.x.map((_, i) => i), x: b.x.map((r) => r.map((v) => v + 0.01)) } };
    const sizes: number[] = [];
    const result = await crossValidate(data, {
      protocol: 'speaker-kfold',
      k: 3,
      model: (seed) => {
        const m = createClassifier('dt', seed);
        const fit = m.fit.bind(m);
        m.fit = (x, y, ctx) => {
          sizes.push(x.length, y.length, ctx.groups!.length);
          return fit(x, y, ctx);
        };
        return m;
      },
    });
    result.folds.forEach((f, i) => expect(sizes.slice(3 * i, 3 * i + 3)).toEqual([2 * f.nTrain, 2 * f.nTrain, 2 * f.nTrain]));
    expect(result.summary.pooled.n).toBe(60);
    expect(result.summary.pooled.accuracy).toBeGreaterThan(0.8);
  });
});
