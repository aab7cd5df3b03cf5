/**
 * The actual work behind an Analyzer: load the model once, then decode a file once and derive from the same samples
 * the waveform envelope, a terminal-sized log-mel spectrogram and the emotions over time. Runs inside the analysis
 * worker in `ser ui`, or in process (tests, tools).
 */
import { EmotionModel, FeatureExtractor, ModelError, SerError, loadAudio, type EngineChoice } from '@ser/core';
import { AnalysisError, type Analysis, type Classification, type ModelInfo, type Scores } from './analyzer.js';
import type { Envelope } from './charts/braille.js';
import type { Spectrogram } from './charts/spectrogram.js';

export interface AnalysisSessionOptions {
  /** Model folder; default: EmotionModel's default (`$SER_MODEL_DIR` or the repository's models/default/). */
  model?: string;
  engine: EngineChoice;
  /** Warnings that belong to no single file (e.g. the feature engine fell back to TypeScript). */
  onWarning?: (message: string) => void;
}

/** Envelope resolution: enough for a 500-column terminal in braille (2 dots per cell) without re-reading the file. */
export const ENVELOPE_BINS = 1024;
/** Mel bands and frames kept for the terminal: a tall terminal shows ~20 rows of 2 bands each; wide ones ~500 columns. */
export const SPECTROGRAM_BANDS = 40;
export const SPECTROGRAM_MAX_FRAMES = 1024;
/** Segments of the timeline, as `ser predict` would cut them: 3 s windows every 1 s. */
export const TIMELINE = { window: 3, hop: 1 } as const;
/** Rate for the picture when no model says otherwise (the rate of every model trained here). */
const FALLBACK_RATE = 16000;

/** Min and max of each of `bins` equal slices of the samples. */
export function computeEnvelope(samples: Float32Array, bins = ENVELOPE_BINS): Envelope {
  const n = Math.max(1, Math.min(bins, samples.length));
  const min = new Float32Array(n);
  const max = new Float32Array(n);
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * samples.length) / n);
    const to = Math.max(from + 1, Math.floor(((b + 1) * samples.length) / n));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < Math.min(to, samples.length); i++) {
      const x = samples[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    min[b] = Number.isFinite(lo) ? lo : 0;
    max[b] = Number.isFinite(hi) ? hi : 0;
  }
  return { min, max };
}

/** Averages a bands x frames matrix down to at most `bands` x `maxFrames` (never up). */
export function reduceSpectrogram(m: { data: Float32Array; rows: number; cols: number }, bands = SPECTROGRAM_BANDS, maxFrames = SPECTROGRAM_MAX_FRAMES): Spectrogram {
  const outBands = Math.min(bands, m.rows);
  const outFrames = Math.min(maxFrames, m.cols);
  const data = new Float32Array(outBands * outFrames);
  for (let r = 0; r < outBands; r++) {
    const r0 = Math.floor((r * m.rows) / outBands);
    const r1 = Math.floor(((r + 1) * m.rows) / outBands);
    for (let c = 0; c < outFrames; c++) {
      const c0 = Math.floor((c * m.cols) / outFrames);
      const c1 = Math.floor(((c + 1) * m.cols) / outFrames);
      let sum = 0;
      for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) sum += m.data[i * m.cols + j]!;
      data[r * outFrames + c] = sum / ((r1 - r0) * (c1 - c0));
    }
  }
  return { data, bands: outBands, frames: outFrames };
}

function peakOf(samples: Float32Array): number {
  let peak = 0;
  for (const x of samples) peak = Math.max(peak, Math.abs(x));
  return peak;
}

/** Keeps label and scores only: per-window probabilities would bloat every message for nothing the UI shows. */
const scoresOf = (p: Scores): Scores => ({ label: p.label, scores: p.scores });

/** Our errors keep their message; anything else is a bug, reported as such in one line. */
export function toAnalysisError(err: unknown): AnalysisError {
  if (err instanceof AnalysisError) return err;
  if (err instanceof ModelError) return new AnalysisError('model', err.message);
  if (err instanceof SerError) return new AnalysisError('audio', err.message);
  const message = err instanceof Error ? err.message : String(err);
  return new AnalysisError('internal', `internal error: ${message.split('\n')[0]} (a bug in ser; please report it)`);
}

export class AnalysisSession {
  readonly #options: AnalysisSessionOptions;
  readonly #model: Promise<EmotionModel>;
  #extractor: FeatureExtractor | undefined;

  constructor(options: AnalysisSessionOptions) {
    this.#options = options;
    const warn = options.onWarning ?? (() => {});
    this.#model = EmotionModel.load(options.model, { engine: options.engine, onWarning: warn });
    // Rejections are read by modelInfo/analyze; this keeps an unread one from counting as unhandled.
    this.#model.catch(() => {});
  }

  async modelInfo(): Promise<ModelInfo> {
    const model = await this.#loaded();
    return {
      name: model.card.name,
      dir: model.dir,
      labels: [...model.labels],
      engine: model.extractor.engineName,
      preset: model.card.input.preset,
    };
  }

  async analyze(file: string): Promise<Analysis> {
    const started = performance.now();
    let model: EmotionModel | undefined;
    let predictionError: string | undefined;
    try {
      model = await this.#loaded();
    } catch (err) {
      predictionError = toAnalysisError(err).message;
    }
    const rate = model?.card.input.sampleRate ?? FALLBACK_RATE;
    const warnings: string[] = [];
    const audio = await loadAudio(file, { sampleRate: rate, onWarning: (m) => warnings.push(m) });
    const samples = audio.samples;
    if (samples.length === 0) throw new AnalysisError('audio', `${file}: the audio is empty; there is nothing to show`);
    const extractor = model?.extractor ?? this.#fallbackExtractor();
    const spectrogram = reduceSpectrogram(extractor.logmel(samples, rate));
    const analysis: Analysis = {
      file,
      duration: samples.length / rate,
      sampleRate: rate,
      peak: peakOf(samples),
      envelope: computeEnvelope(samples),
      spectrogram,
      warnings,
      seconds: 0,
    };
    if (model) {
      try {
        const timeline = await model.predictSegments({ samples, sampleRate: rate }, TIMELINE);
        analysis.prediction = {
          labels: [...model.labels],
          overall: scoresOf(timeline.overall),
          segments: timeline.segments.map((s) => ({ start: s.start, end: s.end, ...scoresOf(s) })),
        };
      } catch (err) {
        // The picture is still worth showing when only the classification fails.
        predictionError = toAnalysisError(err).message;
      }
    }
    if (predictionError !== undefined) analysis.predictionError = predictionError;
    analysis.seconds = (performance.now() - started) / 1000;
    return analysis;
  }

  async classify(file: string): Promise<Classification> {
    const model = await this.#loaded();
    const rate = model.card.input.sampleRate;
    const audio = await loadAudio(file, { sampleRate: rate });
    if (audio.samples.length === 0) throw new AnalysisError('audio', `${file}: the audio is empty; nothing to classify`);
    const p = await model.predict({ samples: audio.samples, sampleRate: rate });
    return { file, ...scoresOf(p), labels: [...model.labels], duration: audio.samples.length / rate };
  }

  async dispose(): Promise<void> {
    const model = await this.#model.catch(() => undefined);
    await model?.dispose();
  }

  async #loaded(): Promise<EmotionModel> {
    try {
      return await this.#model;
    } catch (err) {
      throw new AnalysisError('model', toAnalysisError(err).message);
    }
  }

  #fallbackExtractor(): FeatureExtractor {
    this.#extractor ??= new FeatureExtractor({ engine: this.#options.engine, onWarning: this.#options.onWarning ?? (() => {}) });
    return this.#extractor;
  }
}
