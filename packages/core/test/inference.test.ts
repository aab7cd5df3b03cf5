/**
 * EmotionModel's own logic without a real network: the tensor it builds from a card (normalisation order, windows,
 * shapes), the window averaging and probability checks (with a fake onnxruntime), and model-folder errors that are
 * found before onnxruntime runs. The end-to-end tests with exported ONNX models live in packages/cli/test
 * (emotion-model.test.ts), since @ser/core must not depend on @ser/training.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EmotionModel,
  FeatureExtractor,
  MODEL_CARD_FORMAT,
  ModelError,
  cutWindows,
  defaultModelDir,
  expectedInputShapes,
  modelInputChunks,
  toModelInput,
  type Matrix,
  type ModelCard,
  type Normalization,
  type OnnxRuntime,
} from '../src/index.js';
import { scratchDir } from './helpers/tools.js';

const LABELS = ['neutral', 'happy', 'sad'];

function makeCard(preset: 'classic193' | 'logmel', normalization: Normalization = { kind: 'none' }, shape?: number[]): ModelCard {
  return {
    format: MODEL_CARD_FORMAT,
    name: 'unit',
    architecture: 'fake',
    description: '',
    labels: LABELS,
    input: {
      preset,
      sampleRate: 16000,
      ...(preset === 'logmel' ? { window: { frames: 4, hop: 2 } } : {}),
      shape: shape ?? (preset === 'classic193' ? [193] : [4, 128, 1]),
    },
    normalization,
    backend: 'cpu',
    opset: 13,
    createdAt: '1970-01-01T00:00:00.000Z',
    training: { corpora: [], protocol: 'none' },
  };
}

/** A 128 x `cols` matrix with value `band * perBand + frame * perFrame`. */
function matrix(cols: number, perBand = 100, perFrame = 1): Matrix {
  const data = new Float32Array(128 * cols);
  for (let b = 0; b < 128; b++) for (let c = 0; c < cols; c++) data[b * cols + c] = b * perBand + c * perFrame;
  return { data, rows: 128, cols };
}

describe('toModelInput', () => {
  it('classic193: one example, per-feature normalisation, features untouched', () => {
    const v = Float32Array.from({ length: 193 }, (_, i) => i);
    const n: Normalization = { kind: 'feature', mean: Array.from({ length: 193 }, () => 1), std: Array.from({ length: 193 }, () => 2) };
    const x = toModelInput(makeCard('classic193', n), v);
    expect(x.dims).toEqual([1, 193]);
    expect(x.data[0]).toBe(-0.5);
    expect(x.data[192]).toBe(95.5);
    expect(v[0]).toBe(0);
  });

  it('log-mel: windows are time-major, with per-band normalisation applied after cutting', () => {
    const m = matrix(7); // windows start at 0, 2, and 3 (aligned to the end)
    const n: Normalization = { kind: 'feature', mean: Array.from({ length: 128 }, (_, b) => b * 100), std: Array.from({ length: 128 }, () => 10) };
    const x = toModelInput(makeCard('logmel', n), m);
    expect(x.dims).toEqual([3, 4, 128, 1]);
    const at = (w: number, t: number, b: number) => x.data[w * 512 + t * 128 + b]!;
    expect(at(0, 0, 5)).toBeCloseTo(0, 6);
    expect(at(1, 1, 7)).toBeCloseTo(0.3, 6); // frame 3
    expect(at(2, 3, 127)).toBeCloseTo(0.6, 6); // frame 6, the last
    // a short utterance is padded with the raw matrix's minimum, normalised like every value of its band
    const short = toModelInput(makeCard('logmel', n), matrix(2));
    expect(short.dims).toEqual([1, 4, 128, 1]);
    expect(short.data[3 * 128 + 1]).toBeCloseTo((0 - 100) / 10, 6);
  });

  it('log-mel: utterance normalisation covers the whole matrix before cutting', () => {
    const m = matrix(9, 1, 100);
    const x = toModelInput(makeCard('logmel', { kind: 'utterance' }), m);
    const all = Float32Array.from(m.data);
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const std = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length);
    const expected = cutWindows({ data: all.map((v) => (v - mean) / std), rows: 128, cols: 9 }, { frames: 4, hop: 2 });
    expect(x.dims).toEqual([expected.length, 4, 128, 1]);
    expected.forEach((w, i) => w.forEach((v, j) => expect(x.data[i * 512 + j]).toBeCloseTo(v, 5)));
    // each window alone is not standardised: the first window's mean is far below zero
    expect(x.data.subarray(0, 512).reduce((s, v) => s + v, 0) / 512).toBeLessThan(-0.5);
    expect(m.data[0]).toBe(0);
  });

  it('in pieces of a few windows, the same tensor as in one piece', () => {
    const n: Normalization = { kind: 'feature', mean: Array.from({ length: 128 }, (_, b) => b), std: Array.from({ length: 128 }, () => 3) };
    for (const cols of [2, 4, 5, 8, 9, 23, 24]) {
      for (const norm of [n, { kind: 'utterance' } as const]) {
        const c = makeCard('logmel', norm);
        const whole = toModelInput(c, matrix(cols, 1, 100));
        for (const per of [1, 2, 3]) {
          const pieces = [...modelInputChunks(c, matrix(cols, 1, 100), per)];
          expect(pieces.every((p) => p.dims[0]! <= per || p === pieces[pieces.length - 1])).toBe(true);
          expect(pieces.reduce((a, p) => a + p.dims[0]!, 0)).toBe(whole.dims[0]);
          expect(Float32Array.from(pieces.flatMap((p) => Array.from(p.data)))).toEqual(whole.data);
        }
      }
    }
  });

  it('expected shapes follow the preset; a channel-less log-mel shape is accepted too', () => {
    expect(expectedInputShapes(makeCard('classic193'))).toEqual([[193]]);
    expect(expectedInputShapes(makeCard('logmel'))).toEqual([[4, 128, 1], [4, 128]]);
    expect(toModelInput(makeCard('logmel', { kind: 'none' }, [4, 128]), matrix(4)).dims).toEqual([1, 4, 128]);
  });

  it('the wrong kind of features is a ModelError', () => {
    expect(() => toModelInput(makeCard('classic193'), matrix(4))).toThrow(ModelError);
    expect(() => toModelInput(makeCard('logmel'), new Float32Array(193))).toThrow(ModelError);
  });
});

/** An onnxruntime stand-in: `rows(batch)` gives the output for each run; records the batch shapes it saw. */
function fakeRuntime(inputShape: (number | string)[], rows: (dims: readonly number[], call: number) => number[][]) {
  const seen: number[][] = [];
  let calls = 0;
  const session = {
    inputNames: ['input'],
    outputNames: ['output'],
    inputMetadata: [{ name: 'input', isTensor: true, type: 'float32', shape: inputShape }],
    outputMetadata: [{ name: 'output', isTensor: true, type: 'float32', shape: ['N', LABELS.length] }],
    run: async (feeds: Record<string, { dims: readonly number[] }>) => {
      const dims = feeds.input!.dims;
      seen.push([...dims]);
      return { output: { data: Float32Array.from(rows(dims, calls++).flat()), dims: [dims[0], LABELS.length] } };
    },
    release: async () => {},
  };
  const runtime: OnnxRuntime = {
    InferenceSession: { create: async () => session as unknown as InferenceSession },
    Tensor: class {
      constructor(
        readonly type: string,
        readonly data: Float32Array,
        readonly dims: readonly number[],
      ) {}
    } as unknown as OnnxRuntime['Tensor'],
  };
  return { runtime, seen };
}

describe('EmotionModel with a fake onnxruntime', () => {
  const { dir, cleanup } = scratchDir();
  afterAll(cleanup);
  const fx = new FeatureExtractor();
  const folder = (name: string, c: ModelCard) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'card.json'), JSON.stringify(c));
    writeFileSync(join(d, 'model.onnx'), 'fake');
    return d;
  };
  const tone = { samples: Float32Array.from({ length: 1600 }, (_, i) => 0.3 * Math.sin(i / 5)), sampleRate: 16000 }; // 0.1 s: 11 frames

  it('averages the window probabilities; a batch size fixed in the graph is respected', async () => {
    const d = folder('logmel', makeCard('logmel', { kind: 'utterance' }));
    // windows of 4 frames every 2 over 11 frames: starts 0, 2, 4, 6, and 7 aligned to the end
    const perWindow = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.9, 0.05, 0.05]];
    const { runtime, seen } = fakeRuntime([1, 4, 128, 1], (_dims, call) => [perWindow[call]!]);
    const em = await EmotionModel.load(d, { extractor: fx, runtime });
    const p = await em.predict(tone);
    expect(seen).toEqual(perWindow.map(() => [1, 4, 128, 1]));
    expect(p.windows!.map((w) => w.map((v) => +v.toFixed(6)))).toEqual(perWindow);
    expect(p.scores.neutral).toBeCloseTo(2.5 / 5, 6);
    expect(p.scores.happy).toBeCloseTo(1.55 / 5, 6);
    expect(p.scores.sad).toBeCloseTo(0.95 / 5, 6);
    expect(p.label).toBe('neutral');
    await em.dispose();
  });

  it('a symbolic batch axis gets all windows in one run', async () => {
    const d = folder('logmel-sym', makeCard('logmel', { kind: 'none' }));
    const { runtime, seen } = fakeRuntime(['N', 4, 128, 1], (dims) => Array.from({ length: dims[0]! }, () => [0.2, 0.3, 0.5]));
    const em = await EmotionModel.load(d, { extractor: fx, runtime });
    const p = await em.predict(tone);
    expect(seen).toEqual([[5, 4, 128, 1]]);
    expect(p.label).toBe('sad');
    await em.dispose();
  });

  it('decoded samples need a valid sample rate', async () => {
    const d = folder('rate', makeCard('logmel', { kind: 'none' }));
    const { runtime } = fakeRuntime(['N', 4, 128, 1], (dims) => Array.from({ length: dims[0]! }, () => [0.2, 0.3, 0.5]));
    const em = await EmotionModel.load(d, { extractor: fx, runtime });
    await expect(em.predict({ samples: tone.samples, sampleRate: 0 })).rejects.toThrow(/sampleRate must be an integer/);
    expect((await em.predict({ samples: tone.samples, sampleRate: 8000 })).label).toBe('sad'); // resampled to 16 kHz
  });

  it('outputs that are not probabilities are a ModelError asking for a softmax', async () => {
    const d = folder('logits', makeCard('logmel', { kind: 'none' }));
    const { runtime } = fakeRuntime(['N', 4, 128, 1], (dims) => Array.from({ length: dims[0]! }, () => [2.5, -1, 0.3]));
    const em = await EmotionModel.load(d, { extractor: fx, runtime });
    await expect(em.predict(tone)).rejects.toThrow(/softmax/);
    await expect(em.predict(tone)).rejects.toThrow(ModelError);
  });

  it('an ONNX input shape that disagrees with the card is found at load', async () => {
    const d = folder('mismatch', makeCard('classic193'));
    const { runtime } = fakeRuntime(['N', 180], () => []);
    await expect(EmotionModel.load(d, { extractor: fx, runtime })).rejects.toThrow(/takes inputs of shape \[N, 180\] but card\.json says input\.shape \[193\]/);
  });

  it('folder errors are ModelErrors naming the file', async () => {
    const { runtime } = fakeRuntime(['N', 193], () => []);
    await expect(EmotionModel.load(join(dir, 'none'), { runtime })).rejects.toThrow(/none: no such model folder; pass another folder with --model/);
    const corrupt = folder('corrupt', makeCard('classic193'));
    writeFileSync(join(corrupt, 'card.json'), '{ nope');
    await expect(EmotionModel.load(corrupt, { runtime })).rejects.toThrow(new RegExp(`${join(corrupt, 'card.json')}: not valid JSON`));
    const shape = folder('shape', makeCard('classic193', { kind: 'none' }, [128, 1]));
    await expect(EmotionModel.load(shape, { runtime })).rejects.toThrow(/input\.shape is \[128, 1\], but the classic193 features give \[193\]/);
  });

  it('a per-speaker model standardises the recordings of one speaker together, and refuses lone recordings', async () => {
    const card = { ...makeCard('classic193'), speakerStandardisation: { minRecordings: 3 } };
    const d = folder('per-speaker', card);
    const inputs: Float32Array[] = [];
    const { runtime } = fakeRuntime(['N', 193], (dims) => Array.from({ length: dims[0]! }, () => [0.2, 0.3, 0.5]));
    const recording = (hz: number, gain: number) => ({ samples: Float32Array.from({ length: 8000 }, (_, i) => gain * Math.sin((2 * Math.PI * hz * i) / 16000)), sampleRate: 16000 });
    const em = await EmotionModel.load(d, { extractor: fx, runtime });
    const run = em.run.bind(em);
    em.run = async (x) => {
      inputs.push(Float32Array.from(x.data));
      return run(x);
    };
    expect(em.perSpeaker).toBe(true);
    await expect(em.predict(recording(220, 0.3))).rejects.toThrow(/standardises features per speaker.*at least 3 recordings of one speaker together with predictSpeaker\(\)/);
    await expect(em.predictBatch([recording(220, 0.3)])).rejects.toThrow(ModelError);
    await expect(em.predictSpeaker([recording(220, 0.3), recording(330, 0.2), { samples: new Float32Array(10), sampleRate: 5 }])).rejects.toThrow(
      /2 of 3 recordings could be read; .* needs at least 3/,
    );

    const items = await em.predictSpeaker([recording(220, 0.3), { samples: new Float32Array(10), sampleRate: 5 }, recording(330, 0.1), recording(180, 0.5), recording(500, 0.05)]);
    expect(items.map((i) => i.ok)).toEqual([true, false, true, true, true]);
    expect(inputs).toHaveLength(4);
    // Each feature over the speaker's four recordings: mean 0 and (population) standard deviation 1, or all 0.
    for (let j = 0; j < 193; j++) {
      const col = inputs.map((v) => v[j]!);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      if (col.some((v) => v !== 0)) expect(Math.abs(sd - 1)).toBeLessThan(1e-4);
    }
    await em.dispose();

    const plain = await EmotionModel.load(folder('plain-193', makeCard('classic193')), { extractor: fx, runtime });
    expect(plain.perSpeaker).toBe(false);
    await expect(plain.predictSpeaker([recording(220, 0.3)])).rejects.toThrow(/not trained with per-speaker standardisation/);
    await plain.dispose();

    const bad = folder('per-speaker-bad', { ...makeCard('classic193'), speakerStandardisation: { minRecordings: 1 } });
    await expect(EmotionModel.load(bad, { extractor: fx, runtime })).rejects.toThrow(/speakerStandardisation\.minRecordings must be an integer of at least 2/);
  });

  it('SER_MODEL_DIR names the default model folder', () => {
    const saved = process.env.SER_MODEL_DIR;
    try {
      process.env.SER_MODEL_DIR = dir;
      expect(defaultModelDir()).toBe(dir);
    } finally {
      if (saved === undefined) delete process.env.SER_MODEL_DIR;
      else process.env.SER_MODEL_DIR = saved;
    }
  });
});
