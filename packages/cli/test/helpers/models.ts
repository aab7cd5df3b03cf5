/**
 * Small model folders for inference tests: a tfjs network with seeded random weights (a Dense net on classic193, a
 * Conv2D net on log-mel windows), exported with exportVerified to `model.onnx` beside a `card.json` written here,
 * and synthetic speech-like WAV files. Nothing leaves the temp folder the caller gives.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_CARD_FORMAT, createRng, loadAudio, type FeatureExtractor, type ModelCard, type Normalization } from '@ser/core';
import { exportVerified, initTf, tf } from '@ser/training';

export const LABELS = ['neutral', 'happy', 'sad', 'angry'];
export const RATE = 16000;
export const WINDOW = { frames: 32, hop: 16 };

/** A 16-bit PCM WAV of `channels` channels: a gliding, amplitude-modulated harmonic tone plus seeded noise. */
export function speechLikeWav(seconds: number, seed: number, rate = RATE, channels = 1): Uint8Array {
  const n = Math.round(seconds * rate);
  const rng = createRng(seed);
  const f0 = 110 + 60 * seed;
  const b = new Uint8Array(44 + 2 * n * channels);
  const v = new DataView(b.buffer);
  const w = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  w(0, 'RIFF'); v.setUint32(4, 36 + 2 * n * channels, true); w(8, 'WAVE');
  w(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, channels, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 2 * channels, true); v.setUint16(32, 2 * channels, true); v.setUint16(34, 16, true);
  w(36, 'data'); v.setUint32(40, 2 * n * channels, true);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    phase += (2 * Math.PI * f0 * (1 + 0.3 * Math.sin(2 * Math.PI * 0.7 * t))) / rate;
    let x = 0;
    for (let h = 1; h <= 6; h++) x += Math.sin(h * phase) / h;
    x *= 0.25 * (0.6 + 0.4 * Math.sin(2 * Math.PI * (2 + seed) * t));
    x += 0.02 * (rng.next() * 2 - 1);
    for (let c = 0; c < channels; c++) v.setInt16(44 + 2 * (i * channels + c), Math.round(32767 * Math.max(-1, Math.min(1, x * (c === 0 ? 1 : 0.5)))), true);
  }
  return b;
}

export function writeClips(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const clips: [string, Uint8Array][] = [
    ['one.wav', speechLikeWav(1.2, 1)],
    ['two.wav', speechLikeWav(2.5, 2)],
    ['stereo-22k.wav', speechLikeWav(1.0, 3, 22050, 2)],
    ['short.wav', speechLikeWav(0.2, 4)],
  ];
  return clips.map(([name, bytes]) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  });
}

export function card(preset: 'classic193' | 'logmel', normalization: Normalization, shape: number[]): ModelCard {
  return {
    format: MODEL_CARD_FORMAT,
    name: `test-${preset}-${normalization.kind}`,
    architecture: preset === 'classic193' ? 'mlp' : 'cnn2d',
    description: 'seeded random weights, for tests only',
    labels: LABELS,
    input: { preset, sampleRate: RATE, ...(preset === 'logmel' ? { window: WINDOW } : {}), shape },
    normalization,
    backend: tf.getBackend(),
    opset: 13,
    createdAt: new Date(0).toISOString(),
    training: { corpora: [], protocol: 'none (random weights)' },
  };
}

export interface TestModel {
  dir: string;
  model: tf.LayersModel;
  card: ModelCard;
}

/** Writes `model.onnx` (verified against tfjs) and `card.json` into `dir`. */
export async function writeModel(dir: string, model: tf.LayersModel, c: ModelCard, samples: tf.Tensor): Promise<TestModel> {
  const { bytes } = await exportVerified(model, samples);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(join(dir, 'card.json'), `${JSON.stringify(c, null, 2)}\n`);
  return { dir, model, card: c };
}

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** A Dense net on classic193 with per-feature normalisation from the statistics of `clips`. */
export async function classicModel(dir: string, clips: string[], fx: FeatureExtractor): Promise<TestModel> {
  await initTf();
  const rows: Float32Array[] = [];
  for (const c of clips) rows.push(fx.classic193((await loadAudio(c, { sampleRate: RATE })).samples, RATE));
  const mean = Array.from({ length: 193 }, (_, f) => rows.reduce((s, r) => s + r[f]!, 0) / rows.length);
  const std = Array.from({ length: 193 }, (_, f) => Math.sqrt(rows.reduce((s, r) => s + (r[f]! - mean[f]!) ** 2, 0) / rows.length) || 1);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [193], units: 24, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({ units: LABELS.length, activation: 'softmax', kernelInitializer: init(2) }),
    ],
  });
  const samples = tf.randomNormal([16, 193], 0, 1, 'float32', 7);
  const m = await writeModel(dir, model, card('classic193', { kind: 'feature', mean, std }, [193]), samples);
  samples.dispose();
  return m;
}

/** A small Conv2D net on 32-frame log-mel windows ([32, 128, 1], time-major). */
export function logmelNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [WINDOW.frames, 128, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(3) }),
      tf.layers.maxPooling2d({ poolSize: 4 }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(4) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: LABELS.length, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed: 5 }) }),
    ],
  });
}

/** The log-mel net with utterance normalisation (or per-band normalisation from made-up statistics). */
export async function logmelModel(dir: string, kind: 'utterance' | 'feature', net = logmelNet()): Promise<TestModel> {
  await initTf();
  const normalization: Normalization =
    kind === 'utterance' ? { kind } : { kind, mean: Array.from({ length: 128 }, (_, b) => -60 + b * 0.2), std: Array.from({ length: 128 }, (_, b) => 10 + (b % 7)) };
  const samples = tf.randomNormal([8, WINDOW.frames, 128, 1], 0, 1, 'float32', 8);
  const m = await writeModel(dir, net, card('logmel', normalization, [WINDOW.frames, 128, 1]), samples);
  samples.dispose();
  return m;
}
