/**
 * The pure-TypeScript feature engine: librosa 0.10.1's numbers without the native addon. One STFT per call feeds every
 * spectral feature and the HPSS of the tonal ones (harmonic, chroma_cqt, tonnetz start from librosa.effects.harmonic(y)
 * as the fixtures and the classic193 recipe do, and it frames y exactly as the spectral features do). Everything runs
 * on frame-major spectra, the order the FFT produces; only the returned matrices are [row][frame].
 */
import type { FeatureEngine, FeatureName, FeatureRequest, FeatureResult, Matrix } from '../types.js';
import { chromaCqt } from './chroma-cqt.js';
import { chromaStftFrames, checkChromaStftParams } from './chroma-stft.js';
import { checkContrastParams, spectralContrastFrames } from './contrast.js';
import { checkDbParams, powerToDb } from './db.js';
import { harmonicOfFrames } from './hpss.js';
import { bandedFilterbank, checkMelParams, melFilterbank, melFrames } from './mel.js';
import { checkMfccParams, mfccFromLogMelFrames } from './mfcc.js';
import {
  checkStftParams,
  frameCount,
  magnitudeValues,
  StftFramer,
  stftFrames,
  transpose,
  type FrameSpectrum,
} from './stft.js';
import { tonnetz } from './tonnetz.js';
import { estimateTuningOfSpectrum } from './tuning.js';

const FEATURES: readonly FeatureName[] = ['stft', 'mel', 'mfcc', 'chromaStft', 'contrast', 'harmonic', 'chromaCqt', 'tonnetz', 'logmel'];
const SPECTRAL: readonly FeatureName[] = ['stft', 'mel', 'mfcc', 'chromaStft', 'contrast', 'logmel'];
const TONAL: readonly FeatureName[] = ['harmonic', 'chromaCqt', 'tonnetz'];

function toMatrix(values: Float64Array, rows: number, cols: number): Matrix {
  return { data: new Float32Array(values), rows, cols };
}

/** A Matrix [rows][nFrames] of frame-major values [nFrames][rows]. */
function framesToMatrix(values: Float64Array, rows: number, nFrames: number): Matrix {
  return { data: transpose(values, rows, nFrames, new Float32Array(rows * nFrames)), rows, cols: nFrames };
}

/** The one STFT of a call (request.stft framing) and its magnitude, each made when first needed. */
class SharedStft {
  #spec: FrameSpectrum | undefined;
  #mag: Float64Array | undefined;

  constructor(
    private readonly samples: Float32Array,
    private readonly request: FeatureRequest,
  ) {}

  get spec(): FrameSpectrum {
    return (this.#spec ??= stftFrames(this.samples, this.request.stft));
  }

  get magnitude(): Float64Array {
    return (this.#mag ??= magnitudeValues(this.spec));
  }
}

/** Rejects bad input before any work, with the native engine's error types (TypeError / RangeError). */
function checkRequest(samples: Float32Array, sampleRate: number, request: FeatureRequest, want: Set<FeatureName>): void {
  if (!(samples instanceof Float32Array)) throw new TypeError('samples must be a Float32Array');
  if (samples.length === 0) throw new RangeError('samples: the signal is empty');
  if (!(Number.isFinite(sampleRate) && sampleRate > 0)) throw new RangeError(`sampleRate must be a finite number > 0 (got ${sampleRate})`);
  if (!Array.isArray(request.features)) throw new TypeError('request.features must be an array of feature names');
  for (const f of request.features) {
    if (!FEATURES.includes(f)) {
      throw new TypeError(`request.features: unknown feature ${JSON.stringify(f)} (known: ${FEATURES.join(', ')})`);
    }
  }
  checkStftParams(request.stft);
  if (frameCount(samples.length, request.stft) === 0) {
    throw new RangeError(
      `samples: ${samples.length} samples are too short for one STFT frame of nFft ${request.stft.nFft} with center=false`,
    );
  }
  if (want.has('mel') || want.has('mfcc') || want.has('logmel')) checkMelParams(sampleRate, request.mel);
  if (want.has('mfcc') || want.has('logmel')) checkDbParams(request.db);
  if (want.has('mfcc')) checkMfccParams(request.mfcc.nMfcc, request.mel.nMels);
  if (want.has('chromaStft')) checkChromaStftParams(request.chromaStft);
  if (want.has('contrast')) checkContrastParams(sampleRate, request.contrast);
}

export class TypeScriptEngine implements FeatureEngine {
  readonly name = 'typescript' as const;

  compute(samples: Float32Array, sampleRate: number, request: FeatureRequest): FeatureResult {
    const want = new Set(request.features);
    checkRequest(samples, sampleRate, request, want);
    const result: FeatureResult = {};
    const tuning: NonNullable<FeatureResult['tuning']> = {};
    const shared = new SharedStft(samples, request);
    if (SPECTRAL.some((f) => want.has(f))) this.#spectral(samples, sampleRate, request, want, result, tuning, shared);
    if (TONAL.some((f) => want.has(f))) this.#tonal(samples, sampleRate, request, want, result, tuning, shared);
    if (tuning.chromaStft !== undefined || tuning.chromaCqt !== undefined) result.tuning = tuning;
    return result;
  }

  #spectral(
    samples: Float32Array,
    sr: number,
    request: FeatureRequest,
    want: Set<FeatureName>,
    result: FeatureResult,
    tuning: NonNullable<FeatureResult['tuning']>,
    shared: SharedStft,
  ): void {
    // the whole spectrum is kept only when something besides the mel family (or the HPSS) reads it
    const keep = ['stft', 'chromaStft', 'contrast', ...TONAL].some((f) => want.has(f as FeatureName));
    const spec = keep ? shared.spec : undefined;
    const nFrames = frameCount(samples.length, request.stft);
    const nBins = (request.stft.nFft >> 1) + 1;
    if (want.has('stft')) result.stft = framesToMatrix(shared.magnitude, nBins, nFrames);
    if (want.has('mel') || want.has('mfcc') || want.has('logmel')) {
      const m = request.mel;
      // melspectrogram(y) = mel filterbank . |STFT|^power, each frame reduced as soon as it is transformed
      const fb = bandedFilterbank(melFilterbank(sr, request.stft.nFft, m), m.nMels);
      const mel = melFrames(spec ?? new StftFramer(samples, request.stft), fb, m.power);
      if (want.has('mel')) result.mel = framesToMatrix(mel, m.nMels, nFrames);
      if (want.has('mfcc') || want.has('logmel')) {
        const logMel = powerToDb(mel, request.db); // element-wise with one clip-wide floor: any layout will do
        if (want.has('logmel')) result.logmel = framesToMatrix(logMel, m.nMels, nFrames);
        if (want.has('mfcc')) {
          const mfcc = mfccFromLogMelFrames(logMel, m.nMels, nFrames, request.mfcc.nMfcc);
          result.mfcc = toMatrix(mfcc, request.mfcc.nMfcc, nFrames);
        }
      }
    }
    if (want.has('chromaStft')) {
      // the tuning estimate needs librosa's own float32 |STFT| (a histogram argmax is a discrete decision); chroma_stft
      // infers n_fft from S and estimates with bins_per_octave = n_chroma
      const p = request.chromaStft;
      const t = p.tuning ?? estimateTuningOfSpectrum(shared.spec, sr, 2 * (nBins - 1), p.nChroma);
      const c = chromaStftFrames(shared.magnitude, nBins, nFrames, sr, { ...p, tuning: t });
      result.chromaStft = toMatrix(c.chroma, request.chromaStft.nChroma, nFrames);
      tuning.chromaStft = c.tuning;
    }
    if (want.has('contrast')) {
      const contrast = spectralContrastFrames(shared.magnitude, nBins, nFrames, sr, request.contrast);
      result.contrast = toMatrix(contrast, request.contrast.nBands + 1, nFrames);
    }
  }

  #tonal(
    samples: Float32Array,
    sr: number,
    request: FeatureRequest,
    want: Set<FeatureName>,
    result: FeatureResult,
    tuning: NonNullable<FeatureResult['tuning']>,
    shared: SharedStft,
  ): void {
    // effects.harmonic frames y with request.stft, as the spectral features do: their STFT and magnitude serve both
    const y = harmonicOfFrames(shared.spec, shared.magnitude, request.stft, request.hpss, samples.length);
    if (want.has('harmonic')) result.harmonic = { data: y, rows: 1, cols: y.length };
    if (!want.has('chromaCqt') && !want.has('tonnetz')) return;
    // chroma_cqt's own estimate_tuning(y=harmonic) frames with piptrack's defaults (n_fft 2048, hop 512), not with
    // request.stft, exactly as librosa does; chromaCqt uses those when no framing is passed.
    const cqt = chromaCqt(y, sr, request.chromaCqt);
    tuning.chromaCqt = cqt.tuning;
    if (want.has('chromaCqt')) result.chromaCqt = cqt.chroma;
    if (want.has('tonnetz')) result.tonnetz = tonnetz(cqt.chroma);
  }
}
