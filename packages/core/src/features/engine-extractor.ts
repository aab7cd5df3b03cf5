/**
 * The feature API over any engine, without loading one: no Node-only module is imported here, so browser bundles
 * can use it with the TypeScript engine.
 */
import type { NativeEngine } from '@ser/native';
import { FeatureError } from '../errors.js';
import { assembleFunctionals } from './functionals.js';
import { CLASSIC193_BLOCKS, PRESETS, type PresetName, type VectorPresetName } from './presets.js';
import type { FeatureEngine, FeatureName, FeatureRequest, FeatureResult, Matrix } from './types.js';

export interface AudioInput {
  samples: Float32Array;
  sampleRate: number;
}

/**
 * Revision of the TypeScript engine's arithmetic, part of `engineId`: bump it whenever its numbers change, so feature
 * caches built with the old numbers are not reused.
 */
export const TYPESCRIPT_ENGINE_REVISION = 1;

/** Mean over frames of each row: the utterance-level summary classic193 is made of. */
function rowMeans(m: Matrix, out: Float32Array, at: number): void {
  for (let r = 0; r < m.rows; r++) {
    let sum = 0;
    for (let c = 0; c < m.cols; c++) sum += m.data[r * m.cols + c]!;
    out[at + r] = m.cols > 0 ? sum / m.cols : 0;
  }
}

function checkInput(samples: Float32Array, sampleRate: number): void {
  if (!(samples instanceof Float32Array)) throw new FeatureError('samples must be a Float32Array (use loadAudio to decode a file)');
  if (samples.length === 0) throw new FeatureError('no samples: the audio is empty');
  if (!Number.isFinite(sampleRate) || sampleRate < 1000 || sampleRate > 768_000) {
    throw new FeatureError(`sampleRate must be between 1000 and 768000 Hz, got ${sampleRate}`);
  }
}

/**
 * Features and presets over one given engine. The browser builds it on the TypeScript engine; Node code uses
 * FeatureExtractor, which picks the native addon when it loads.
 */
export class EngineFeatureExtractor {
  readonly engine: FeatureEngine;

  constructor(engine: FeatureEngine) {
    this.engine = engine;
  }

  get engineName(): 'native' | 'typescript' {
    return this.engine.name;
  }

  /** Engine and version, e.g. "native@0.1.0": what a feature cache keys on. */
  get engineId(): string {
    const native = this.engine as Partial<NativeEngine>;
    return this.engine.name === 'native' ? `native@${native.version ?? 'unknown'}` : `typescript@r${TYPESCRIPT_ENGINE_REVISION}`;
  }

  /** Any features, with librosa's defaults unless `request` overrides them (every feature on its own). */
  compute(samples: Float32Array, sampleRate: number, features: FeatureName[], request?: Partial<Omit<FeatureRequest, 'features'>>): FeatureResult {
    checkInput(samples, sampleRate);
    const base = PRESETS.classic193.request(sampleRate);
    return this.#compute(samples, sampleRate, { ...base, ...request, features });
  }

  /** The 193-dimensional utterance vector (MFCC 40, chroma 12, mel 128, contrast 7, tonnetz 6 means). */
  classic193(samples: Float32Array, sampleRate: number): Float32Array {
    checkInput(samples, sampleRate);
    return assembleClassic193(this.#compute(samples, sampleRate, PRESETS.classic193.request(sampleRate)));
  }

  /** Frame statistics of spectrum, pitch and energy (the `functionals` preset): FUNCTIONALS_LENGTH values. */
  functionals(samples: Float32Array, sampleRate: number): Float32Array {
    checkInput(samples, sampleRate);
    return assembleFunctionals(this.#compute(samples, sampleRate, PRESETS.functionals.request(sampleRate)), sampleRate);
  }

  /** Log-mel frames for CNNs: 128 x frames in dB, parameters from the `logmel` preset. */
  logmel(samples: Float32Array, sampleRate: number): Matrix {
    checkInput(samples, sampleRate);
    return this.#compute(samples, sampleRate, PRESETS.logmel.request(sampleRate)).logmel!;
  }

  /** A preset by name: a vector for classic193 and functionals, a matrix for logmel. */
  extract(samples: Float32Array, sampleRate: number, preset: VectorPresetName): Float32Array;
  extract(samples: Float32Array, sampleRate: number, preset: 'logmel'): Matrix;
  extract(samples: Float32Array, sampleRate: number, preset: PresetName): Float32Array | Matrix;
  extract(samples: Float32Array, sampleRate: number, preset: PresetName): Float32Array | Matrix {
    checkInput(samples, sampleRate);
    return reducePreset(preset, this.#compute(samples, sampleRate, PRESETS[preset].request(sampleRate)), sampleRate);
  }

  /**
   * The engine's own limits (a request too large for its memory cap) are a RangeError there; here they become a
   * FeatureError, which callers report as one line instead of a crash.
   */
  #compute(samples: Float32Array, sampleRate: number, request: FeatureRequest): FeatureResult {
    try {
      return this.engine.compute(samples, sampleRate, request);
    } catch (err) {
      if (err instanceof RangeError) {
        throw new FeatureError(`${err.message}; classify long recordings in windows (ser predict --segments, or split the file)`, { cause: err });
      }
      throw err;
    }
  }

  /**
   * Many utterances at once. The native engine spreads them over a thread pool off the event loop; the TypeScript
   * engine works through them one by one, yielding to the event loop between items.
   */
  async extractBatch(items: AudioInput[], preset: PresetName, onProgress?: (done: number, total: number) => void): Promise<(Float32Array | Matrix)[]> {
    items.forEach((it) => checkInput(it.samples, it.sampleRate));
    const native = this.engine as Partial<NativeEngine>;
    if (native.computeBatch && items.length > 0) {
      const rate = items[0]!.sampleRate;
      // One request serves a batch only when every item shares the rate (mel fmax follows it); group otherwise.
      if (items.every((it) => it.sampleRate === rate)) {
        const results = await native.computeBatch(items, PRESETS[preset].request(rate));
        onProgress?.(items.length, items.length);
        return results.map((r) => reducePreset(preset, r, rate));
      }
    }
    const out: (Float32Array | Matrix)[] = [];
    for (const it of items) {
      out.push(reducePreset(preset, this.#compute(it.samples, it.sampleRate, PRESETS[preset].request(it.sampleRate)), it.sampleRate));
      onProgress?.(out.length, items.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return out;
  }
}

/** An engine's answer to a preset's request, reduced to what the preset promises. */
function reducePreset(preset: PresetName, r: FeatureResult, sampleRate: number): Float32Array | Matrix {
  switch (preset) {
    case 'classic193': return assembleClassic193(r);
    case 'functionals': return assembleFunctionals(r, sampleRate);
    case 'logmel': return r.logmel!;
  }
}

export function assembleClassic193(r: FeatureResult): Float32Array {
  const out = new Float32Array(193);
  for (const block of CLASSIC193_BLOCKS) {
    const m = r[block.feature];
    if (!m || m.rows !== block.to - block.from) {
      throw new FeatureError(`engine returned no ${block.feature} block of ${block.to - block.from} rows for classic193`);
    }
    rowMeans(m, out, block.from);
  }
  return out;
}
