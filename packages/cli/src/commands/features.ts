/**
 * `ser features <files...>`: a preset (classic193, logmel) or any single features, per file, as JSON lines, CSV or
 * .npy files, computed by the same engine and parameters as training and inference use.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { CLASSIC193_BLOCKS, FeatureExtractor, SerError, functionalNames, loadAudio, type EngineChoice, type FeatureName, type Matrix, type PresetName } from '@ser/core';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { encodeNpy } from '../npy.js';
import { progressBar } from '../progress.js';
import { csvRow } from '../report/csv.js';

/** User-facing feature names (librosa's, with a dash) and the engine's. */
export const FEATURE_NAMES: Record<string, FeatureName> = {
  stft: 'stft',
  mel: 'mel',
  mfcc: 'mfcc',
  'chroma-stft': 'chromaStft',
  contrast: 'contrast',
  'chroma-cqt': 'chromaCqt',
  tonnetz: 'tonnetz',
  logmel: 'logmel',
};

export type FeaturesFormat = 'json' | 'csv' | 'npy';

export interface FeaturesOptions {
  /** A preset, or `features` instead. */
  preset?: PresetName;
  /** User-facing feature names (keys of FEATURE_NAMES). */
  features?: string[];
  sampleRate: number;
  format: FeaturesFormat;
  /** Folder for .npy files (required with npy). */
  out?: string;
  engine: EngineChoice;
  onError: (file: string, err: unknown) => void;
  progress?: boolean;
}

/** One file's output: named arrays, each a vector or a rows x frames matrix. */
type Arrays = { name: string; value: Float32Array | Matrix }[];

/** Column names of classic193: mfcc_1..40, chroma_stft_1..12, mel_1..128, contrast_1..7, tonnetz_1..6. */
export function classic193Names(): string[] {
  const name: Record<string, string> = { chromaStft: 'chroma_stft' };
  return CLASSIC193_BLOCKS.flatMap((b) => Array.from({ length: b.to - b.from }, (_, i) => `${name[b.feature] ?? b.feature}_${i + 1}`));
}

function checkOptions(opts: FeaturesOptions): void {
  const arrays = opts.features ? opts.features.length : 1;
  if (opts.format === 'npy' && !opts.out) throw new UsageError('--format npy writes one .npy file per file and feature: name a folder with --out <dir>');
  if (opts.format === 'csv' && arrays > 1) {
    throw new UsageError('--format csv holds one table: pick one --feature, or use --format json or npy for several');
  }
}

/** Returns the number of files that failed. */
export async function featuresCommand(files: string[], opts: FeaturesOptions, io: Io): Promise<number> {
  checkOptions(opts);
  const extractor = new FeatureExtractor({ engine: opts.engine, onWarning: (m) => io.err(`warning: ${m}\n`) });
  if (opts.out && opts.format === 'npy') await mkdir(opts.out, { recursive: true });
  const progress = (opts.progress ?? files.length > 1) ? progressBar('features') : undefined;
  let headerWritten = false;
  let failed = 0;
  const usedNames = new Set<string>();
  for (const [i, file] of files.entries()) {
    let arrays: Arrays;
    try {
      const audio = await loadAudio(file, { sampleRate: opts.sampleRate, onWarning: (m) => io.err(`warning: ${m}\n`) });
      arrays = compute(extractor, audio.samples, opts);
    } catch (err) {
      if (!(err instanceof SerError)) throw err;
      failed++;
      opts.onError(file, err);
      progress?.update(i + 1, files.length);
      continue;
    }
    if (opts.format === 'json') {
      io.out(`${JSON.stringify({ file, sampleRate: opts.sampleRate, engine: extractor.engineId, ...Object.fromEntries(arrays.map((a) => [a.name, toJson(a.value)])) })}\n`);
    } else if (opts.format === 'csv') {
      const a = arrays[0]!;
      if (!headerWritten) {
        io.out(`${csvRow(csvHeader(a))}\n`);
        headerWritten = true;
      }
      for (const row of csvRows(file, a.value)) io.out(`${csvRow(row)}\n`);
    } else {
      for (const a of arrays) {
        const path = join(opts.out!, uniqueName(`${basename(file, extname(file))}.${a.name}.npy`, usedNames));
        const value = a.value;
        await writeFile(path, value instanceof Float32Array ? encodeNpy(value, [value.length]) : encodeNpy(value.data, [value.rows, value.cols]));
        io.out(`${path}\n`);
      }
    }
    progress?.update(i + 1, files.length);
  }
  progress?.done();
  return failed;
}

function compute(extractor: FeatureExtractor, samples: Float32Array, opts: FeaturesOptions): Arrays {
  const rate = opts.sampleRate;
  if (opts.features) {
    const names = opts.features.map((f) => FEATURE_NAMES[f]!);
    const r = opts.features.includes('logmel') ? extractor.logmel(samples, rate) : undefined;
    const result = extractor.compute(samples, rate, names.filter((n) => n !== 'logmel'));
    return opts.features.map((f) => ({ name: f, value: f === 'logmel' ? r! : result[FEATURE_NAMES[f]!]! }));
  }
  const preset = opts.preset ?? 'classic193';
  return [{ name: preset, value: extractor.extract(samples, rate, preset) }];
}

function toJson(v: Float32Array | Matrix): unknown {
  if (v instanceof Float32Array) return Array.from(v);
  const rows: number[][] = [];
  for (let r = 0; r < v.rows; r++) rows.push(Array.from(v.data.subarray(r * v.cols, (r + 1) * v.cols)));
  return { rows: v.rows, cols: v.cols, data: rows };
}

/** A vector is one row per file; a matrix (bins x frames) is one row per frame, like librosa's `.T`. */
function csvHeader(a: Arrays[number]): string[] {
  if (a.value instanceof Float32Array) {
    const named = a.name === 'classic193' ? classic193Names() : a.name === 'functionals' ? functionalNames() : undefined;
    return ['file', ...(named ?? Array.from(a.value, (_, i) => `${a.name}_${i + 1}`))];
  }
  return ['file', 'frame', ...Array.from({ length: a.value.rows }, (_, i) => `${a.name}_${i + 1}`)];
}

function* csvRows(file: string, v: Float32Array | Matrix): Generator<string[]> {
  if (v instanceof Float32Array) {
    yield [file, ...Array.from(v, (x) => String(x))];
    return;
  }
  for (let c = 0; c < v.cols; c++) {
    const row = [file, String(c)];
    for (let r = 0; r < v.rows; r++) row.push(String(v.data[r * v.cols + c]));
    yield row;
  }
}

/** Two inputs with the same base name (a/x.wav, b/x.wav) must not overwrite each other's .npy. */
function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let k = 2; used.has(candidate); k++) candidate = name.replace(/\.npy$/, `.${k}.npy`);
  used.add(candidate);
  return candidate;
}
