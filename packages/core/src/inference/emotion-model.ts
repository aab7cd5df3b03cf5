/**
 * EmotionModel: a model folder (`model.onnx` + `card.json`) turned into `predict(audio) -> { label, scores }`.
 * The card says how audio becomes the tensor the network was trained on (rate, preset, normalisation, windows);
 * onnxruntime-node runs the network. onnxruntime is imported only when a model is loaded, so @ser/core itself loads
 * where it is absent (the browser passes `runtime: onnxruntime-web` instead).
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadAudio } from '../audio/load.js';
import { resample } from '../audio/resample.js';
import { SerError } from '../errors.js';
import { FeatureExtractor, type EngineChoice } from '../features/extractor.js';
import { PRESETS } from '../features/presets.js';
import type { Matrix } from '../features/types.js';
import { cutWindows } from '../features/windows.js';
import { ModelError, normalizeFeatures, normalizeUtterance, parseModelCard, type ModelCard } from './card.js';
import { resolveSegmentOptions, segmentBounds, type SegmentOptions } from './segments.js';

/** What `predict` gives for one utterance. */
export interface Prediction {
  /** The emotion with the highest score. */
  label: string;
  /** One probability per label of the card, summing to 1. */
  scores: Record<string, number>;
  /** Log-mel models: the probabilities of each window (in the card's label order), whose mean is `scores`. */
  windows?: number[][];
}

/** One segment of `predictSegments`: its time span in seconds and the prediction for that span alone. */
export interface SegmentPrediction extends Prediction {
  start: number;
  end: number;
}

/** Emotions over time: the whole recording's prediction and one per sliding window. */
export interface Timeline {
  /** Seconds of audio (at the card's rate). */
  duration: number;
  /** The whole recording classified at once, as `predict` gives it. */
  overall: Prediction;
  segments: SegmentPrediction[];
}

/** A file path, the bytes of an audio file, or samples already decoded (any rate: resampled to the card's). */
export type PredictInput = string | Uint8Array | { samples: Float32Array; sampleRate: number };

/** One item of `predictBatch`: its prediction, or the error that stopped it (the other items still run). */
export type BatchPrediction =
  | { index: number; input: PredictInput; ok: true; prediction: Prediction }
  | { index: number; input: PredictInput; ok: false; error: Error };

/** The tensor for the network: `dims` is `[examples, ...card.input.shape]`, `data` row-major. */
export interface ModelInput {
  data: Float32Array;
  dims: number[];
}

/** The slice of the onnxruntime API EmotionModel uses: onnxruntime-node and onnxruntime-web both provide it. */
export interface OnnxRuntime {
  InferenceSession: { create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
}

export interface EmotionModelOptions {
  /** Feature extractor to use (default: a new one with `engine`). */
  extractor?: FeatureExtractor;
  /** Feature engine when no extractor is given: 'auto' (default), 'native' or 'typescript'. */
  engine?: EngineChoice;
  /** Where warnings go (feature-engine fallback, audio read to a truncated end). Default: console.warn. */
  onWarning?: (message: string) => void;
  /** The onnxruntime module (default: `import('onnxruntime-node')`); pass onnxruntime-web in the browser. */
  runtime?: OnnxRuntime;
}

/** Examples per onnxruntime call: bounds memory for long recordings cut into many windows. */
const RUN_BATCH = 64;
/** Files decoded and featurised together in `predictBatch` (the native engine spreads them over threads). */
const DECODE_BATCH = 16;
/** A model file larger than this is refused before it is read. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

const FIX = 'pass another folder with --model, or train one with `ser train`';

/**
 * The model folder used when none is named: `$SER_MODEL_DIR`, else the repository's `models/default/` (found by
 * walking up from this module). Undefined when there is none.
 */
export function defaultModelDir(): string | undefined {
  const env = process.env.SER_MODEL_DIR;
  if (env) return resolve(env);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'models', 'default', 'card.json'))) return join(dir, 'models', 'default');
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * The shape one example must have for a card's preset: `[193]` for classic193, `[frames, nMels, 1]` for log-mel
 * windows (time-major NHWC, one channel; `[frames, nMels]` is accepted too, for models without a channel axis).
 */
export function expectedInputShapes(card: ModelCard): number[][] {
  if (card.input.preset === 'classic193') return [[193]];
  const bands = PRESETS.logmel.request(card.input.sampleRate).mel.nMels;
  const frames = card.input.window!.frames;
  return [[frames, bands, 1], [frames, bands]];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (s: readonly (number | string)[]) => `[${s.join(', ')}]`;

/** Checks that a card's input shape and normalisation fit its own preset; throws ModelError naming `where`. */
function checkCardInput(card: ModelCard, where: string): void {
  const shapes = expectedInputShapes(card);
  if (!shapes.some((s) => sameShape(s, card.input.shape))) {
    const win = card.input.window ? ` with windows of ${card.input.window.frames} frames` : '';
    throw new ModelError(
      `${where}: input.shape is ${fmt(card.input.shape)}, but the ${card.input.preset} features${win} give ${fmt(shapes[0]!)}; ` +
        're-export the model so that the card matches the network',
    );
  }
  const n = card.normalization;
  if (n.kind === 'feature') {
    const features = card.input.preset === 'classic193' ? 193 : shapes[0]![1]!;
    if (n.mean.length !== features) {
      throw new ModelError(
        `${where}: normalization has ${n.mean.length} means, but the ${card.input.preset} features have ${features}; re-export the model`,
      );
    }
    if (!n.std.every((s) => Number.isFinite(s) && s > 0) || !n.mean.every(Number.isFinite)) {
      throw new ModelError(`${where}: normalization.std must be positive and mean finite; re-export the model`);
    }
  }
}

/**
 * Turns one utterance's features into the network's input: classic193 -> one example; log-mel -> utterance
 * normalisation on the whole matrix, then windows (cutWindows), then per-band feature normalisation on each window.
 * The features are not modified.
 */
export function toModelInput(card: ModelCard, features: Float32Array | Matrix): ModelInput {
  const parts = [...modelInputChunks(card, features, Infinity)];
  if (parts.length === 1) return parts[0]!;
  const data = new Float32Array(parts.reduce((a, p) => a + p.data.length, 0));
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return { data, dims: [parts.reduce((a, p) => a + p.dims[0]!, 0), ...card.input.shape] };
}

/**
 * `toModelInput` in pieces of at most `maxExamples` windows, so a long recording never holds all its windows at
 * once (an hour of log-mel cut every 16 frames would be gigabytes). The pieces concatenate to `toModelInput`.
 */
export function* modelInputChunks(card: ModelCard, features: Float32Array | Matrix, maxExamples = RUN_BATCH): Generator<ModelInput> {
  const shape = card.input.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  const n = card.normalization;
  if (card.input.preset === 'classic193') {
    if (!(features instanceof Float32Array)) throw new ModelError('a classic193 model needs a feature vector, not a matrix');
    const v = Float32Array.from(features);
    if (n.kind === 'feature') normalizeFeatures(v, n);
    else if (n.kind === 'utterance') normalizeUtterance(v);
    if (v.length !== size) throw new ModelError(`the features have ${v.length} values but the model takes ${fmt(shape)}`);
    yield { data: v, dims: [1, ...shape] };
    return;
  }
  if (features instanceof Float32Array) throw new ModelError('a log-mel model needs a bands x frames matrix, not a vector');
  const spec = card.input.window!;
  const { rows, cols } = features;
  if (rows * spec.frames !== size) {
    throw new ModelError(`a window of ${spec.frames} frames x ${rows} bands does not fit the model's input ${fmt(shape)}`);
  }
  const m: Matrix = { data: Float32Array.from(features.data), rows, cols };
  if (n.kind === 'utterance') normalizeUtterance(m.data);
  // Regular window starts (0, hop, ...); cutWindows adds the one aligned to the end. A piece covering the columns of
  // its windows' starts gives exactly those windows; the last piece runs to the end and so gets the aligned one too.
  const starts: number[] = [];
  for (let s = 0; s + spec.frames <= cols; s += spec.hop) starts.push(s);
  const per = Math.max(1, Math.min(maxExamples, starts.length || 1));
  for (let k = 0; k < Math.max(1, starts.length); k += per) {
    const last = k + per >= starts.length;
    const from = starts[k] ?? 0;
    const to = last ? cols : starts[k + per - 1]! + spec.frames;
    const piece = from === 0 && to === cols ? m : subColumns(m, from, to);
    const windows = cutWindows(piece, spec);
    const data = new Float32Array(windows.length * size);
    windows.forEach((w, i) => {
      if (n.kind === 'feature') normalizeFeatures(w, n);
      data.set(w, i * size);
    });
    yield { data, dims: [windows.length, ...shape] };
  }
}

function subColumns(m: Matrix, from: number, to: number): Matrix {
  const cols = to - from;
  const data = new Float32Array(m.rows * cols);
  for (let r = 0; r < m.rows; r++) data.set(m.data.subarray(r * m.cols + from, r * m.cols + to), r * cols);
  return { data, rows: m.rows, cols };
}

async function importRuntime(): Promise<OnnxRuntime> {
  try {
    // CommonJS: ESM sees module.exports as the default export.
    const mod = (await import('onnxruntime-node')) as unknown as { default?: OnnxRuntime } & OnnxRuntime;
    return mod.default ?? mod;
  } catch (err) {
    throw new ModelError(
      `onnxruntime-node cannot be loaded (${(err as Error).message.split('\n')[0]}); install it with ` +
        '`npm install onnxruntime-node` (in the browser, pass `runtime` from onnxruntime-web to EmotionModel.load)',
      { cause: err },
    );
  }
}

async function readModelFile(path: string, what: string): Promise<Buffer> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ModelError(`${path}: not a regular file; a model folder holds model.onnx and card.json`);
    if (s.size > MAX_MODEL_BYTES) throw new ModelError(`${path}: ${s.size} bytes is too large for a ${what}`);
    return await readFile(path);
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? `missing; a model folder holds model.onnx and card.json; ${FIX}`
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied; check the file permissions'
      : `cannot be read (${(err as Error).message})`;
    throw new ModelError(`${path}: ${reason}`, { cause: err });
  }
}

/** A loaded model: its card, an onnxruntime session and a feature extractor. */
export class EmotionModel {
  readonly dir: string;
  readonly extractor: FeatureExtractor;
  readonly #card: ModelCard;
  readonly #runtime: OnnxRuntime;
  #session: InferenceSession | undefined;
  readonly #inputName: string;
  readonly #outputName: string;
  /** A batch size fixed in the ONNX graph (undefined when the batch axis is symbolic). */
  readonly #fixedBatch: number | undefined;
  readonly #warn: (m: string) => void;

  private constructor(dir: string, card: ModelCard, runtime: OnnxRuntime, session: InferenceSession, options: EmotionModelOptions) {
    this.dir = dir;
    this.#card = card;
    this.#runtime = runtime;
    this.#session = session;
    this.#warn = options.onWarning ?? ((m) => console.warn(m));
    this.extractor = options.extractor ?? new FeatureExtractor({ engine: options.engine ?? 'auto', onWarning: this.#warn });
    this.#inputName = session.inputNames[0]!;
    this.#outputName = session.outputNames[0]!;
    const meta = session.inputMetadata?.[0];
    const b = meta?.isTensor ? meta.shape[0] : undefined;
    this.#fixedBatch = typeof b === 'number' && b > 0 ? b : undefined;
  }

  /**
   * Loads `dir/card.json` and `dir/model.onnx` (default: `defaultModelDir()`). Every problem with the folder is a
   * ModelError naming the file and what to do.
   */
  static async load(dir?: string, options: EmotionModelOptions = {}): Promise<EmotionModel> {
    const folder = dir ?? defaultModelDir();
    if (folder === undefined) {
      throw new ModelError(
        'no model given and no default model found (models/default/ in the repository, or $SER_MODEL_DIR); ' +
          'pass a model folder with --model <dir>, or train one with `ser train`',
      );
    }
    const where = resolve(folder);
    let s;
    try {
      s = await stat(where);
    } catch (err) {
      const via = dir === undefined && process.env.SER_MODEL_DIR ? ' ($SER_MODEL_DIR)' : '';
      throw new ModelError(`${folder}${via}: no such model folder; ${FIX}`, { cause: err });
    }
    if (!s.isDirectory()) throw new ModelError(`${folder}: not a folder; a model is a folder holding model.onnx and card.json`);

    const cardPath = join(folder, 'card.json');
    const cardText = (await readModelFile(cardPath, 'model card')).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(cardText);
    } catch (err) {
      throw new ModelError(`${cardPath}: not valid JSON (${(err as Error).message}); re-export the model or ${FIX}`, { cause: err });
    }
    const card = parseModelCard(json, cardPath);
    checkCardInput(card, cardPath);

    const onnxPath = join(folder, 'model.onnx');
    const bytes = await readModelFile(onnxPath, 'model');
    const runtime = options.runtime ?? (await importRuntime());
    let session: InferenceSession;
    try {
      session = await runtime.InferenceSession.create(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
        executionProviders: ['cpu'],
      });
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0];
      throw new ModelError(
        `${onnxPath}: onnxruntime cannot load it (${reason}); the file is corrupt or not an ONNX model: re-export it, or ${FIX}`,
        { cause: err },
      );
    }
    try {
      checkSession(session, card, onnxPath);
    } catch (err) {
      await session.release();
      throw err;
    }
    return new EmotionModel(folder, card, runtime, session, options);
  }

  get card(): ModelCard {
    return this.#card;
  }

  /** Output order of the network: canonical emotion names. */
  get labels(): string[] {
    return this.#card.labels;
  }

  /**
   * Classifies one utterance: decodes (mono, at the card's rate), extracts the card's features, runs the network and
   * averages window probabilities for log-mel models. Undecodable audio throws AudioDecodeError.
   */
  async predict(input: PredictInput): Promise<Prediction> {
    this.#alive();
    const audio = await this.#decode(input);
    return this.predictFeatures(this.#extract(audio));
  }

  /**
   * Emotions over time: decodes once, classifies the whole recording and each sliding window (default 3 s every
   * 1 s; the last window is aligned to the end, and a recording shorter than a window is one segment).
   */
  async predictSegments(input: PredictInput, options: SegmentOptions = {}): Promise<Timeline> {
    this.#alive();
    const rate = this.#card.input.sampleRate;
    resolveSegmentOptions(options); // bad options fail before any decoding
    const audio = await this.#decode(input);
    if (audio.length === 0) throw new ModelError(`${describeInput(input)}: the audio is empty; nothing to classify`);
    const overall = await this.predictFeatures(this.#extract(audio));
    const segments: SegmentPrediction[] = [];
    for (const b of segmentBounds(audio.length, rate, options)) {
      const p = await this.predictFeatures(this.#extract(audio.subarray(b.start, b.end)));
      segments.push({ start: b.start / rate, end: b.end / rate, ...p });
    }
    return { duration: audio.length / rate, overall, segments };
  }

  /**
   * Classifies features computed elsewhere with the card's preset at the card's sample rate (a classic193 vector or a
   * log-mel bands x frames matrix).
   */
  async predictFeatures(features: Float32Array | Matrix): Promise<Prediction> {
    this.#alive();
    const probs: Float32Array[] = [];
    for (const x of modelInputChunks(this.#card, features, this.#fixedBatch ?? RUN_BATCH)) probs.push(...(await this.run(x)));
    return this.#summarise(probs);
  }

  /**
   * Classifies many utterances; files are decoded and featurised in groups (the native engine uses its thread pool).
   * A file that fails is reported in its own item and the others still run; `onProgress` is called once per item.
   */
  async predictBatch(inputs: readonly PredictInput[], onProgress?: (done: number, total: number, item: BatchPrediction) => void): Promise<BatchPrediction[]> {
    this.#alive();
    const out: BatchPrediction[] = [];
    const preset = this.#card.input.preset;
    const rate = this.#card.input.sampleRate;
    const settle = (item: BatchPrediction) => {
      out.push(item);
      onProgress?.(out.length, inputs.length, item);
    };
    for (let start = 0; start < inputs.length; start += DECODE_BATCH) {
      const group = inputs.slice(start, start + DECODE_BATCH).map((input, k) => ({ index: start + k, input }));
      const decoded: { index: number; input: PredictInput; samples: Float32Array }[] = [];
      const failed = new Map<number, Error>();
      for (const g of group) {
        try {
          const samples = await this.#decode(g.input);
          if (samples.length === 0) throw new ModelError(`${describeInput(g.input)}: the audio is empty; nothing to classify`);
          decoded.push({ ...g, samples });
        } catch (err) {
          failed.set(g.index, asExpected(err));
        }
      }
      let features: (Float32Array | Matrix)[] | undefined;
      try {
        features = await this.extractor.extractBatch(decoded.map((d) => ({ samples: d.samples, sampleRate: rate })), preset);
      } catch {
        features = undefined; // one bad item: extract them one by one below to find it
      }
      const byIndex = new Map<number, Prediction>();
      for (const [k, d] of decoded.entries()) {
        try {
          const f = features?.[k] ?? this.#extract(d.samples);
          byIndex.set(d.index, await this.predictFeatures(f));
        } catch (err) {
          failed.set(d.index, asExpected(err));
        }
      }
      for (const g of group) {
        const p = byIndex.get(g.index);
        settle(p ? { ...g, ok: true, prediction: p } : { ...g, ok: false, error: failed.get(g.index)! });
      }
    }
    return out;
  }

  /** Runs the network on a prepared input; returns one probability row per example. */
  async run(x: ModelInput): Promise<Float32Array[]> {
    const session = this.#alive();
    const per = x.dims.slice(1).reduce((a, b) => a * b, 1);
    const n = x.dims[0]!;
    const chunk = this.#fixedBatch ?? RUN_BATCH;
    const rows: Float32Array[] = [];
    const k = this.labels.length;
    for (let s = 0; s < n; s += chunk) {
      const count = Math.min(chunk, n - s);
      const b = this.#fixedBatch ?? count;
      const data = new Float32Array(b * per);
      data.set(x.data.subarray(s * per, (s + count) * per));
      const tensor = new this.#runtime.Tensor('float32', data, [b, ...x.dims.slice(1)]);
      let result;
      try {
        result = await session.run({ [this.#inputName]: tensor });
      } catch (err) {
        throw new ModelError(`${join(this.dir, 'model.onnx')}: onnxruntime failed to run it (${(err as Error).message.split('\n')[0]}); re-export the model`, { cause: err });
      }
      const out = result[this.#outputName]!;
      const values = out.data as Float32Array;
      if (values.length !== b * k) {
        throw new ModelError(`${join(this.dir, 'model.onnx')}: gives ${values.length / b} outputs per example, but card.json lists ${k} labels; re-export the model`);
      }
      for (let i = 0; i < count; i++) rows.push(Float32Array.from(values.subarray(i * k, (i + 1) * k)));
    }
    return rows;
  }

  /** Releases the onnxruntime session; the model cannot predict afterwards. */
  async dispose(): Promise<void> {
    const s = this.#session;
    this.#session = undefined;
    if (s) await s.release();
  }

  #alive(): InferenceSession {
    if (!this.#session) throw new ModelError(`${this.dir}: this EmotionModel was disposed; load it again`);
    return this.#session;
  }

  #extract(samples: Float32Array): Float32Array | Matrix {
    const rate = this.#card.input.sampleRate;
    return this.#card.input.preset === 'classic193' ? this.extractor.classic193(samples, rate) : this.extractor.logmel(samples, rate);
  }

  async #decode(input: PredictInput): Promise<Float32Array> {
    const rate = this.#card.input.sampleRate;
    if (typeof input === 'string' || input instanceof Uint8Array) {
      const a = await loadAudio(input, { sampleRate: rate, onWarning: this.#warn });
      return a.samples;
    }
    if (!(input?.samples instanceof Float32Array)) throw new ModelError('predict takes a file path, file bytes or { samples: Float32Array, sampleRate }');
    if (!Number.isInteger(input.sampleRate) || input.sampleRate < 1000 || input.sampleRate > 768_000) {
      throw new ModelError(`sampleRate must be an integer from 1000 to 768000 Hz, got ${input.sampleRate}`);
    }
    return input.sampleRate === rate ? input.samples : resample(input.samples, input.sampleRate, rate);
  }

  #summarise(rows: Float32Array[]): Prediction {
    const labels = this.labels;
    const where = join(this.dir, 'model.onnx');
    for (const r of rows) {
      let sum = 0;
      for (const p of r) {
        if (!Number.isFinite(p) || p < -1e-6) throw new ModelError(`${where}: outputs ${p}, not a probability; export the model with a softmax output layer`);
        sum += p;
      }
      if (Math.abs(sum - 1) > 1e-3) throw new ModelError(`${where}: outputs sum to ${sum}, not 1; export the model with a softmax output layer`);
    }
    const mean = new Float64Array(labels.length);
    for (const r of rows) r.forEach((p, i) => (mean[i]! += p));
    const total = mean.reduce((a, b) => a + b, 0);
    const scores: Record<string, number> = {};
    let best = 0;
    labels.forEach((l, i) => {
      scores[l] = mean[i]! / total;
      if (mean[i]! > mean[best]!) best = i;
    });
    const prediction: Prediction = { label: labels[best]!, scores };
    if (this.#card.input.preset === 'logmel') prediction.windows = rows.map((r) => Array.from(r));
    return prediction;
  }
}

/** Checks the ONNX graph's input and output against the card. */
function checkSession(session: InferenceSession, card: ModelCard, where: string): void {
  if (session.inputNames.length !== 1 || session.outputNames.length < 1) {
    throw new ModelError(`${where}: has ${session.inputNames.length} inputs and ${session.outputNames.length} outputs; an emotion model has one input and one output`);
  }
  const input = session.inputMetadata?.[0];
  if (input?.isTensor && input.shape.length > 0) {
    const per = input.shape.slice(1);
    const agrees = per.length === card.input.shape.length && per.every((d, i) => typeof d !== 'number' || d < 0 || d === card.input.shape[i]);
    if (!agrees) {
      throw new ModelError(
        `${where}: takes inputs of shape ${fmt(input.shape)} but card.json says input.shape ${fmt(card.input.shape)} (batch axis first in ONNX); ` +
          'the card does not belong to this model: re-export them together',
      );
    }
  }
  const output = session.outputMetadata?.[0];
  if (output?.isTensor && output.shape.length > 0) {
    const k = output.shape[output.shape.length - 1];
    if (typeof k === 'number' && k > 0 && k !== card.labels.length) {
      throw new ModelError(`${where}: gives ${k} scores per example but card.json lists ${card.labels.length} labels; re-export them together`);
    }
  }
}

function describeInput(input: PredictInput): string {
  return typeof input === 'string' ? input : input instanceof Uint8Array ? '<bytes>' : '<samples>';
}

/** Our errors are reported per item; anything else is a bug and is rethrown. */
function asExpected(err: unknown): Error {
  if (err instanceof SerError) return err;
  throw err;
}
