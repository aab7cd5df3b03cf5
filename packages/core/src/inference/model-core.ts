/**
 * The model itself, without files: a card and an onnxruntime session turned into `predict(samples) -> { label,
 * scores }`. It imports no Node-only module, so the browser runs it with onnxruntime-web and the TypeScript feature
 * engine; the Node EmotionModel (emotion-model.ts) adds model folders, audio files and the native engine.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { resample } from '../audio/resample.js';
import { SerError } from '../errors.js';
import { EngineFeatureExtractor } from '../features/engine-extractor.js';
import { PRESETS, isVectorPreset, vectorLength, type VectorPresetName } from '../features/presets.js';
import { TypeScriptEngine } from '../features/ts/engine.js';
import type { Matrix } from '../features/types.js';
import { cutWindows } from '../features/windows.js';
import { ModelError, normalizeFeatures, normalizeUtterance, parseModelCard, type ModelCard } from './card.js';
import { standardiseSpeaker } from './standardise.js';
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

/** One input's features, or the error that stopped it. */
type FeatureItem =
  | { index: number; input: PredictInput; ok: true; features: Float32Array | Matrix }
  | { index: number; input: PredictInput; ok: false; error: Error };

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


export interface CoreModelOptions {
  /** The onnxruntime module: onnxruntime-web in the browser, onnxruntime-node in Node. */
  runtime: OnnxRuntime;
  /** Features (default: the TypeScript engine). */
  extractor?: EngineFeatureExtractor;
  /** Names the model in messages (a URL or folder). Default "model". */
  source?: string;
  /** What error messages tell the user to do about a broken model. */
  fix?: string;
  onWarning?: (message: string) => void;
}

/** Examples per onnxruntime call: bounds memory for long recordings cut into many windows. */
const RUN_BATCH = 64;
/** Files decoded and featurised together in `predictBatch` (the native engine spreads them over threads). */
const DECODE_BATCH = 16;

/**
 * The shape one example must have for a card's preset: `[193]` for classic193, `[frames, nMels, 1]` for log-mel
 * windows (time-major NHWC, one channel; `[frames, nMels]` is accepted too, for models without a channel axis).
 */
export function expectedInputShapes(card: ModelCard): number[][] {
  if (isVectorPreset(card.input.preset)) return [[vectorLength(card.input.preset)]];
  const bands = PRESETS.logmel.request(card.input.sampleRate).mel.nMels;
  const frames = card.input.window!.frames;
  return [[frames, bands, 1], [frames, bands]];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const fmt = (s: readonly (number | string)[]) => `[${s.join(', ')}]`;

/** Checks that a card's input shape and normalisation fit its own preset; throws ModelError naming `where`. */
export function checkCardInput(card: ModelCard, where: string): void {
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
    const features = isVectorPreset(card.input.preset) ? vectorLength(card.input.preset) : shapes[0]![1]!;
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
 * Turns one utterance's features into the network's input: a vector preset -> one example; log-mel -> utterance
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
  if (isVectorPreset(card.input.preset)) {
    if (!(features instanceof Float32Array)) throw new ModelError(`a ${card.input.preset} model needs a feature vector, not a matrix`);
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

export class EmotionModelCore {
  /** Where the model came from (a folder, a URL), for messages. */
  readonly dir: string;
  readonly extractor: EngineFeatureExtractor;
  /** The network's file, as error messages name it. */
  protected readonly modelFile: string;
  readonly #card: ModelCard;
  readonly #runtime: OnnxRuntime;
  #session: InferenceSession | undefined;
  readonly #inputName: string;
  readonly #outputName: string;
  /** A batch size fixed in the ONNX graph (undefined when the batch axis is symbolic). */
  readonly #fixedBatch: number | undefined;
  protected readonly warn: (m: string) => void;

  protected constructor(dir: string, modelFile: string, card: ModelCard, runtime: OnnxRuntime, session: InferenceSession, extractor: EngineFeatureExtractor, warn: (m: string) => void) {
    this.dir = dir;
    this.modelFile = modelFile;
    this.#card = card;
    this.#runtime = runtime;
    this.#session = session;
    this.warn = warn;
    this.extractor = extractor;
    this.#inputName = session.inputNames[0]!;
    this.#outputName = session.outputNames[0]!;
    const meta = session.inputMetadata?.[0];
    const b = meta?.isTensor ? meta.shape[0] : undefined;
    this.#fixedBatch = typeof b === 'number' && b > 0 ? b : undefined;
  }

  /**
   * A model from its card (parsed JSON) and ONNX bytes, with the onnxruntime module given: onnxruntime-web in the
   * browser. Audio must come as samples (decode files first); features default to the TypeScript engine.
   */
  static async fromBytes(cardJson: unknown, onnx: Uint8Array, options: CoreModelOptions): Promise<EmotionModelCore> {
    const where = options.source ?? 'model';
    const card = parseModelCard(cardJson, `${where}/card.json`);
    checkCardInput(card, `${where}/card.json`);
    const session = await openSession(options.runtime, onnx, card, `${where}/model.onnx`, options.fix ?? 'export it again with `ser train --out`');
    const extractor = options.extractor ?? new EngineFeatureExtractor(new TypeScriptEngine());
    return new EmotionModelCore(where, `${where}/model.onnx`, card, options.runtime, session, extractor, options.onWarning ?? ((m) => console.warn(m)));
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
    this.#refuseLoneRecording('classify');
    const audio = await this.decode(input);
    return this.predictFeatures(this.#extract(audio));
  }

  /**
   * Emotions over time: decodes once, classifies the whole recording and each sliding window (default 3 s every
   * 1 s; the last window is aligned to the end, and a recording shorter than a window is one segment).
   */
  async predictSegments(input: PredictInput, options: SegmentOptions = {}): Promise<Timeline> {
    this.#alive();
    this.#refuseLoneRecording('follow');
    const rate = this.#card.input.sampleRate;
    resolveSegmentOptions(options); // bad options fail before any decoding
    const audio = await this.decode(input);
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
    this.#refuseLoneRecording('classify');
    return this.#classify(features);
  }

  async #classify(features: Float32Array | Matrix): Promise<Prediction> {
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
    this.#refuseLoneRecording('classify');
    const out: BatchPrediction[] = [];
    for await (const item of this.#featuresOf(inputs)) {
      const result = await this.#settle(item, item.ok ? item.features : undefined);
      out.push(result);
      onProgress?.(out.length, inputs.length, result);
    }
    return out;
  }

  /** True when the card has `speakerStandardisation`: the model classifies several recordings of one speaker at once. */
  get perSpeaker(): boolean {
    return this.#card.speakerStandardisation !== undefined;
  }

  /**
   * Classifies recordings of ONE speaker with a per-speaker model (`perSpeaker`): their feature vectors are
   * standardised together (each feature over these recordings), as the model's training speakers were, then
   * classified. At least the card's `minRecordings` must decode; the more recordings, the steadier the statistics
   * (docs/EVALUATION.md measures it). Items that fail are reported in their own item, as in predictBatch.
   */
  async predictSpeaker(inputs: readonly PredictInput[], onProgress?: (done: number, total: number, item: BatchPrediction) => void): Promise<BatchPrediction[]> {
    this.#alive();
    const spk = this.#card.speakerStandardisation;
    if (spk === undefined) {
      throw new ModelError(
        `${this.dir}: this model was not trained with per-speaker standardisation; classify recordings with predict or predictBatch ` +
          '(or train a per-speaker model with `ser train --speaker-norm`)',
      );
    }
    const items: FeatureItem[] = [];
    for await (const item of this.#featuresOf(inputs)) items.push(item);
    const good = items.filter((i): i is FeatureItem & { ok: true } => i.ok);
    if (good.length < spk.minRecordings) {
      throw new ModelError(
        `${good.length} of ${inputs.length} recording${inputs.length === 1 ? '' : 's'} could be read; this model standardises features over ` +
          `one speaker's recordings and needs at least ${spk.minRecordings} of them (the more, the steadier)`,
      );
    }
    const standard = standardiseSpeaker(good.map((g) => g.features as Float32Array));
    const byIndex = new Map(good.map((g, j) => [g.index, standard[j]!]));
    const out: BatchPrediction[] = [];
    for (const item of items) {
      const result = await this.#settle(item, byIndex.get(item.index));
      out.push(result);
      onProgress?.(out.length, inputs.length, result);
    }
    return out;
  }

  /** A batch item: the classification of `features`, or the error that stopped the item before or during it. */
  async #settle(item: FeatureItem, features: Float32Array | Matrix | undefined): Promise<BatchPrediction> {
    if (!item.ok) return item;
    try {
      return { index: item.index, input: item.input, ok: true, prediction: await this.#classify(features!) };
    } catch (err) {
      return { index: item.index, input: item.input, ok: false, error: asExpected(err) };
    }
  }

  #refuseLoneRecording(what: string): void {
    const spk = this.#card.speakerStandardisation;
    if (spk === undefined) return;
    throw new ModelError(
      `${this.dir}: this model standardises features per speaker, so it cannot ${what} recordings one by one; classify at least ` +
        `${spk.minRecordings} recordings of one speaker together with predictSpeaker() (\`ser predict --speaker\`), or use a model without ` +
        'speakerStandardisation (the default model)',
    );
  }

  /**
   * Decodes and featurises inputs in groups (the native engine uses its thread pool), in input order; a file that
   * fails is reported in its own item and the others still run.
   */
  async *#featuresOf(inputs: readonly PredictInput[]): AsyncGenerator<FeatureItem> {
    const preset = this.#card.input.preset;
    const rate = this.#card.input.sampleRate;
    for (let start = 0; start < inputs.length; start += DECODE_BATCH) {
      const group = inputs.slice(start, start + DECODE_BATCH).map((input, k) => ({ index: start + k, input }));
      const decoded: { index: number; input: PredictInput; samples: Float32Array }[] = [];
      const failed = new Map<number, Error>();
      for (const g of group) {
        try {
          const samples = await this.decode(g.input);
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
      const byIndex = new Map<number, Float32Array | Matrix>();
      for (const [k, d] of decoded.entries()) {
        try {
          byIndex.set(d.index, features?.[k] ?? this.#extract(d.samples));
        } catch (err) {
          failed.set(d.index, asExpected(err));
        }
      }
      for (const g of group) {
        const f = byIndex.get(g.index);
        yield f ? { ...g, ok: true, features: f } : { ...g, ok: false, error: failed.get(g.index)! };
      }
    }
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
        throw new ModelError(`${this.modelFile}: onnxruntime failed to run it (${(err as Error).message.split('\n')[0]}); re-export the model`, { cause: err });
      }
      const out = result[this.#outputName]!;
      const values = out.data as Float32Array;
      if (values.length !== b * k) {
        throw new ModelError(`${this.modelFile}: gives ${values.length / b} outputs per example, but card.json lists ${k} labels; re-export the model`);
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
    const preset = this.#card.input.preset;
    return isVectorPreset(preset) ? vectorInChunks(this.extractor, preset, samples, rate) : this.extractor.logmel(samples, rate);
  }

  /**
   * Samples at the card's rate. Here only `{ samples, sampleRate }` (the browser decodes with Web Audio); the Node
   * EmotionModel also reads files and bytes.
   */
  protected async decode(input: PredictInput): Promise<Float32Array> {
    if (typeof input === 'string' || input instanceof Uint8Array) {
      throw new ModelError('this model takes decoded audio: pass { samples, sampleRate } (in Node, EmotionModel.load reads files)');
    }
    return this.samplesAtRate(input);
  }

  protected samplesAtRate(input: { samples: Float32Array; sampleRate: number }): Float32Array {
    const rate = this.#card.input.sampleRate;
    if (!(input?.samples instanceof Float32Array)) throw new ModelError('predict takes a file path, file bytes or { samples: Float32Array, sampleRate }');
    if (!Number.isInteger(input.sampleRate) || input.sampleRate < 1000 || input.sampleRate > 768_000) {
      throw new ModelError(`sampleRate must be an integer from 1000 to 768000 Hz, got ${input.sampleRate}`);
    }
    return input.sampleRate === rate ? input.samples : resample(input.samples, input.sampleRate, rate);
  }

  #summarise(rows: Float32Array[]): Prediction {
    const labels = this.labels;
    const where = this.modelFile;
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


/** Utterance vectors are computed whole up to this length; longer recordings in equal chunks of at most CHUNK_SECONDS. */
export const VECTOR_WHOLE_SECONDS = 120;
const CHUNK_SECONDS = 60;

/**
 * The utterance vector (classic193, functionals) of a recording of any length. Up to two minutes it is the exact
 * vector over the whole signal; beyond, the vectors of equal chunks of at most 60 s, averaged weighted by length, so
 * the memory a request needs stays bounded (a whole hour at once would need gigabytes for HPSS and the CQT). For
 * classic193, a mean over frames, the chunked mean differs from the whole one only at chunk edges and in per-chunk
 * tuning and dB reference; for functionals, percentiles and spreads become averages of per-minute ones.
 */
export function vectorInChunks(extractor: EngineFeatureExtractor, preset: VectorPresetName, samples: Float32Array, rate: number): Float32Array {
  if (samples.length <= VECTOR_WHOLE_SECONDS * rate) return extractor.extract(samples, rate, preset);
  const chunks = Math.ceil(samples.length / (CHUNK_SECONDS * rate));
  const size = Math.ceil(samples.length / chunks);
  const sum = new Float64Array(vectorLength(preset));
  for (let start = 0; start < samples.length; start += size) {
    const part = samples.subarray(start, Math.min(samples.length, start + size));
    const v = extractor.extract(part, rate, preset);
    for (let i = 0; i < sum.length; i++) sum[i]! += v[i]! * part.length;
  }
  return Float32Array.from(sum, (x) => x / samples.length);
}

/** Creates the onnxruntime session and checks it against the card; every failure is a ModelError naming `where`. */
export async function openSession(runtime: OnnxRuntime, bytes: Uint8Array, card: ModelCard, where: string, fix: string): Promise<InferenceSession> {
  let session: InferenceSession;
  try {
    session = await runtime.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new ModelError(`${where}: onnxruntime cannot load it (${reason}); the file is corrupt or not an ONNX model: re-export it, or ${fix}`, { cause: err });
  }
  try {
    checkSession(session, card, where);
  } catch (err) {
    await session.release();
    throw err;
  }
  return session;
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
