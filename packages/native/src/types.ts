/**
 * The contract shared by both feature engines (the @ser/native addon and the TypeScript twin): the same request in,
 * the same matrices out, so `FeatureExtractor` can use either and parity tests can compare them.
 */

/** Row-major matrix in librosa's orientation: `rows` features x `cols` frames, `data[r * cols + c]`. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** STFT framing, as librosa.stft: periodic Hann window, `center` pads nFft/2 zeros each side (pad_mode='constant'). */
export interface StftParams {
  nFft: number;
  hopLength: number;
  winLength: number;
  center: boolean;
}

/** librosa.filters.mel + melspectrogram on |STFT|^power. */
export interface MelParams {
  nMels: number;
  fmin: number;
  /** Hz; librosa's default is sr / 2. */
  fmax: number;
  htk: boolean;
  norm: 'slaney' | null;
  power: number;
}

/** librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db); `topDb` null disables the clip-global floor. */
export interface DbParams {
  amin: number;
  topDb: number | null;
}

/** librosa.feature.mfcc: DCT-II (ortho) of power_to_db(melspectrogram). */
export interface MfccParams {
  nMfcc: number;
}

/** librosa.feature.chroma_stft on the magnitude STFT (as the classic SER recipe does). */
export interface ChromaStftParams {
  nChroma: number;
  /** Fractions of a bin; null = estimate with librosa.estimate_tuning (piptrack) on the same |STFT|. */
  tuning: number | null;
}

/** librosa.feature.spectral_contrast on the magnitude STFT. */
export interface ContrastParams {
  fmin: number;
  nBands: number;
  quantile: number;
}

/** librosa.effects.harmonic: HPSS by median filtering (scipy 'reflect' edges), soft mask, inverse STFT. */
export interface HpssParams {
  kernelSize: number;
  power: number;
  margin: number;
}

/** librosa.feature.chroma_cqt on the harmonic part (multi-rate CQT, halving the rate per octave). */
export interface ChromaCqtParams {
  hopLength: number;
  fmin: number;
  nOctaves: number;
  binsPerOctave: number;
  /** null = librosa.estimate_tuning(y=harmonic, bins_per_octave) with its own n_fft=2048 piptrack. */
  tuning: number | null;
}

export type FeatureName = 'stft' | 'mel' | 'mfcc' | 'chromaStft' | 'contrast' | 'harmonic' | 'chromaCqt' | 'tonnetz' | 'logmel';

/**
 * Everything an engine needs, fully resolved (no defaults left to guess): one call computes the STFT once and every
 * feature named in `features` from it. `harmonic` comes back as a 1 x n matrix (the time signal).
 */
export interface FeatureRequest {
  features: FeatureName[];
  stft: StftParams;
  mel: MelParams;
  db: DbParams;
  mfcc: MfccParams;
  chromaStft: ChromaStftParams;
  contrast: ContrastParams;
  hpss: HpssParams;
  chromaCqt: ChromaCqtParams;
}

export type FeatureResult = Partial<Record<FeatureName, Matrix>> & {
  /** Tuning actually used (estimated or given), for chroma_stft and chroma_cqt, in fractions of a bin. */
  tuning?: { chromaStft?: number; chromaCqt?: number };
};

/** An engine: the native addon or the TypeScript twin. */
export interface FeatureEngine {
  readonly name: 'native' | 'typescript';
  compute(samples: Float32Array, sampleRate: number, request: FeatureRequest): FeatureResult;
}

/** librosa 0.10.1's defaults, as the classic193 recipe and the fixtures use them (fmax is filled from sr). */
export function defaultRequest(sampleRate: number, features: FeatureName[]): FeatureRequest {
  return {
    features,
    stft: { nFft: 2048, hopLength: 512, winLength: 2048, center: true },
    mel: { nMels: 128, fmin: 0, fmax: sampleRate / 2, htk: false, norm: 'slaney', power: 2 },
    db: { amin: 1e-10, topDb: 80 },
    mfcc: { nMfcc: 40 },
    chromaStft: { nChroma: 12, tuning: null },
    contrast: { fmin: 200, nBands: 6, quantile: 0.02 },
    hpss: { kernelSize: 31, power: 2, margin: 1 },
    chromaCqt: { hopLength: 512, fmin: 32.703195662574764, nOctaves: 7, binsPerOctave: 36, tuning: null },
  };
}
