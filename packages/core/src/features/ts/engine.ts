/**
 * The pure-TypeScript feature engine: librosa 0.10.1's numbers without the native addon. One STFT per call feeds every
 * spectral feature; the tonal ones (harmonic, chroma_cqt, tonnetz) start from librosa.effects.harmonic(y) as the
 * fixtures (and the classic193 recipe) do.
 */
import type { FeatureEngine, FeatureName, FeatureRequest, FeatureResult, Matrix } from '../types.js';
import { chromaCqt } from './chroma-cqt.js';
import { chromaStft, checkChromaStftParams } from './chroma-stft.js';
import { checkContrastParams, spectralContrast } from './contrast.js';
import { checkDbParams, powerToDb } from './db.js';
import { harmonic } from './hpss.js';
import { checkMelParams, melFilterbank, melSpectrogram, melSpectrogramOfPower } from './mel.js';
import { checkMfccParams, mfccFromLogMel } from './mfcc.js';
import { checkStftParams, frameCount, magnitude32, magnitudeValues, power, stft } from './stft.js';
import { tonnetz } from './tonnetz.js';

const FEATURES: readonly FeatureName[] = ['stft', 'mel', 'mfcc', 'chromaStft', 'contrast', 'harmonic', 'chromaCqt', 'tonnetz', 'logmel'];
const SPECTRAL: readonly FeatureName[] = ['stft', 'mel', 'mfcc', 'chromaStft', 'contrast', 'logmel'];
const TONAL: readonly FeatureName[] = ['harmonic', 'chromaCqt', 'tonnetz'];

function toMatrix(values: Float64Array, rows: number, cols: number): Matrix {
  return { data: Float32Array.from(values), rows, cols };
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
    if (SPECTRAL.some((f) => want.has(f))) this.#spectral(samples, sampleRate, request, want, result, tuning);
    if (TONAL.some((f) => want.has(f))) this.#tonal(samples, sampleRate, request, want, result, tuning);
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
  ): void {
    const spec = stft(samples, request.stft);
    const { nBins, nFrames } = spec;
    let mag: Float64Array | undefined;
    const getMag = (): Float64Array => (mag ??= magnitudeValues(spec));
    if (want.has('stft')) result.stft = toMatrix(getMag(), nBins, nFrames);
    if (want.has('mel') || want.has('mfcc') || want.has('logmel')) {
      const m = request.mel;
      // melspectrogram(y) = mel filterbank . |STFT|^power (power 2 straight from the spectrum, power 1 from |STFT|)
      const fb = melFilterbank(sr, request.stft.nFft, m);
      const mel =
        m.power === 2 ? melSpectrogramOfPower(spec, fb, m.nMels)
        : melSpectrogram(m.power === 1 ? getMag() : power(spec, m.power), fb, m.nMels, nFrames);
      if (want.has('mel')) result.mel = toMatrix(mel, m.nMels, nFrames);
      if (want.has('mfcc') || want.has('logmel')) {
        const logMel = powerToDb(mel, request.db);
        if (want.has('logmel')) result.logmel = toMatrix(logMel, m.nMels, nFrames);
        if (want.has('mfcc')) {
          const mfcc = mfccFromLogMel(logMel, m.nMels, nFrames, request.mfcc.nMfcc);
          result.mfcc = toMatrix(mfcc, request.mfcc.nMfcc, nFrames);
        }
      }
    }
    if (want.has('chromaStft')) {
      // the tuning estimate needs librosa's own float32 |STFT| (a histogram argmax is a discrete decision)
      const s32 = request.chromaStft.tuning === null ? magnitude32(spec) : undefined;
      const c = chromaStft(getMag(), nBins, nFrames, sr, request.chromaStft, s32);
      result.chromaStft = toMatrix(c.chroma, request.chromaStft.nChroma, nFrames);
      tuning.chromaStft = c.tuning;
    }
    if (want.has('contrast')) {
      result.contrast = toMatrix(spectralContrast(getMag(), nBins, nFrames, sr, request.contrast), request.contrast.nBands + 1, nFrames);
    }
  }

  #tonal(
    samples: Float32Array,
    sr: number,
    request: FeatureRequest,
    want: Set<FeatureName>,
    result: FeatureResult,
    tuning: NonNullable<FeatureResult['tuning']>,
  ): void {
    const y = harmonic(samples, request.stft, request.hpss);
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
