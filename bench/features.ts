// Feature extraction speed: native addon vs the TypeScript twin vs meyda's MFCC (same frames), single thread and
// all threads, against librosa 0.10.1's figures recorded on one core of this machine (Python is not in the project).
import { existsSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import Meyda from 'meyda';
import { FeatureExtractor, PRESETS, loadAudio, type FeatureEngine } from '@ser/core';
import { medianMs, table } from './timing.js';

const SECONDS = 60;
/** librosa 0.10.1, one core of this machine, x real time (from the feature-engine issue). */
const LIBROSA = {
  mfcc: { 16000: 2400, 22050: 1100 },
  classic193: { 16000: 27, 22050: 16 },
  classic193EmoDb: 15,
} as const;

/** Speech-like: a gliding harmonic voice under a syllable-rate envelope, with pauses and a little noise. */
export function speechLike(rate: number, seconds = SECONDS): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  let phase = 0;
  let seed = 7;
  for (let i = 0; i < x.length; i++) {
    const t = i / rate;
    const f0 = 150 + 50 * Math.sin(2 * Math.PI * 0.5 * t) + 20 * Math.sin(2 * Math.PI * 3 * t);
    phase += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let h = 1; h <= 20; h++) v += Math.sin(h * phase) * Math.exp(-h / 6) * (1 + 0.5 * Math.sin(h + t));
    const syllables = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t));
    const pause = Math.sin(2 * Math.PI * 0.2 * t) > -0.7 ? 1 : 0;
    seed = (seed * 1664525 + 1013904223) >>> 0;
    x[i] = 0.25 * syllables * pause * v + 0.003 * (seed / 2 ** 32 - 0.5);
  }
  return x;
}

function meydaMfccMs(x: Float32Array, rate: number): Promise<number> {
  // Same framing as ours: 2048-sample Hann frames every 512 samples, 128 mel bands, 40 coefficients.
  const m = Meyda as unknown as {
    bufferSize: number; sampleRate: number; melBands: number; numberOfMFCCCoefficients: number; windowingFunction: string;
    extract(f: string, s: Float32Array): unknown;
  };
  Object.assign(m, { bufferSize: 2048, sampleRate: rate, melBands: 128, numberOfMFCCCoefficients: 40, windowingFunction: 'hanning' });
  const frame = new Float32Array(2048);
  return medianMs(() => {
    for (let at = -1024; at + 1024 <= x.length; at += 512) {
      frame.fill(0);
      for (let i = 0; i < 2048; i++) {
        const j = at + i;
        if (j >= 0 && j < x.length) frame[i] = x[j]!;
      }
      m.extract('mfcc', frame);
    }
  }, 3);
}

function engines(): FeatureEngine[] {
  const list: FeatureEngine[] = [];
  const auto = new FeatureExtractor({ onWarning: (w) => console.log(`(${w})`) });
  if (auto.engineName === 'native') list.push(auto.engine);
  list.push(new FeatureExtractor({ engine: 'typescript' }).engine);
  return list;
}

const xrt = (seconds: number, ms: number) => (seconds * 1000) / ms;
const fmt = (v: number) => `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}x`;

export async function run(): Promise<void> {
  const list = engines();
  const rows: (string | number)[][] = [];
  for (const rate of [16000, 22050] as const) {
    const x = speechLike(rate);
    const mfccReq = { ...PRESETS.classic193.request(rate), features: ['mfcc' as const] };
    const c193 = PRESETS.classic193.request(rate);
    const results: Record<string, { mfcc: number; c193: number }> = {};
    for (const e of list) {
      results[e.name] = {
        mfcc: xrt(SECONDS, await medianMs(() => e.compute(x, rate, mfccReq))),
        c193: xrt(SECONDS, await medianMs(() => e.compute(x, rate, c193), e.name === 'native' ? 5 : 3)),
      };
    }
    const meyda = xrt(SECONDS, await meydaMfccMs(x, rate));
    const native = results.native;
    const ts = results.typescript!;
    rows.push([
      `${rate} Hz`, 'STFT+mel+MFCC',
      native ? fmt(native.mfcc) : 'n/a', fmt(ts.mfcc), fmt(meyda), fmt(LIBROSA.mfcc[rate]),
      native ? (native.mfcc / ts.mfcc).toFixed(1) : 'n/a', native ? (native.mfcc / LIBROSA.mfcc[rate]).toFixed(1) : 'n/a',
    ]);
    rows.push([
      `${rate} Hz`, 'classic193',
      native ? fmt(native.c193) : 'n/a', fmt(ts.c193), '-', fmt(LIBROSA.classic193[rate]),
      native ? (native.c193 / ts.c193).toFixed(1) : 'n/a', native ? (native.c193 / LIBROSA.classic193[rate]).toFixed(1) : 'n/a',
    ]);
  }
  console.log(`60 s speech-like signal, one call, single thread; x real time (higher is faster); median of 3-5 runs`);
  console.log(table(['rate', 'features', 'native', 'TS twin', 'meyda MFCC', 'librosa 0.10.1', 'native/TS', 'native/librosa'], rows));

  await batchScaling(list);
  await emoDb(list);
}

/** The async batch API over many utterances: 1 thread vs all cores, same run. */
async function batchScaling(list: FeatureEngine[]): Promise<void> {
  const native = list.find((e) => e.name === 'native') as (FeatureEngine & { computeBatch?: Function }) | undefined;
  if (!native?.computeBatch) return console.log('\n(native engine unavailable: no batch scaling figures)');
  const rate = 16000;
  const clip = speechLike(rate, SECONDS);
  const items = Array.from({ length: 20 }, (_, i) => ({ samples: clip.subarray(i * 3 * rate, (i + 1) * 3 * rate), sampleRate: rate }));
  const req = PRESETS.classic193.request(rate);
  const batch = native.computeBatch.bind(native) as (it: typeof items, r: typeof req, o: { threads: number }) => Promise<unknown>;
  const one = await medianMs(() => batch(items, req, { threads: 1 }), 3);
  const all = await medianMs(() => batch(items, req, { threads: cpus().length }), 3);
  console.log(`\nclassic193 batch of 20 x 3 s at 16 kHz (computeBatch):`);
  console.log(table(['threads', 'x real time', 'speed-up'], [
    ['1', fmt(xrt(SECONDS, one)), '1.00'],
    [String(cpus().length), fmt(xrt(SECONDS, all)), (one / all).toFixed(2)],
  ]));
}

/** The real short files of EMO-DB, where per-call overhead counts (librosa: 15x real time here). */
async function emoDb(list: FeatureEngine[]): Promise<void> {
  const dir = resolve(process.env.SER_DATA_DIR ?? join(import.meta.dirname, '../../shared/data'), 'emodb/wav');
  if (!existsSync(dir)) return console.log(`\n(EMO-DB not found at ${dir}: set SER_DATA_DIR to include it)`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.wav')).sort();
  const clips = await Promise.all(files.map((f) => loadAudio(join(dir, f))));
  const seconds = clips.reduce((s, c) => s + c.durationSec, 0);
  const rows: string[][] = [];
  for (const e of list) {
    const ms = await medianMs(() => {
      for (const c of clips) e.compute(c.samples, c.sampleRate, PRESETS.classic193.request(c.sampleRate));
    }, e.name === 'native' ? 3 : 1);
    rows.push([e.name, fmt(xrt(seconds, ms)), (xrt(seconds, ms) / LIBROSA.classic193EmoDb).toFixed(1)]);
  }
  console.log(`\nclassic193 over EMO-DB (${files.length} files, ${seconds.toFixed(0)} s), one thread, one call per file:`);
  console.log(table(['engine', 'x real time', 'vs librosa (15x)'], rows));
}
