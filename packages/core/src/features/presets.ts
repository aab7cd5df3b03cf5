import { FUNCTIONALS_DESCRIPTION, FUNCTIONALS_LENGTH, functionalsRequest } from './functionals.js';
import { defaultRequest, type FeatureName, type FeatureRequest } from './types.js';

/** A named recipe: which features, with which parameters, reduced how. */
export interface Preset {
  name: PresetName;
  description: string;
  features: FeatureName[];
  /** Length of the utterance vector for vector presets; a log-mel preset gives a bands x frames matrix instead. */
  vectorLength?: number;
  /** Full request for a sample rate (the mel fmax follows it). */
  request(sampleRate: number): FeatureRequest;
}

export type PresetName = 'classic193' | 'functionals' | 'logmel';

/** Presets that reduce an utterance to one vector (the row models' input). */
export type VectorPresetName = Exclude<PresetName, 'logmel'>;

export const VECTOR_PRESETS: readonly VectorPresetName[] = ['classic193', 'functionals'];

/** Order and sizes of the classic193 vector's blocks, as the popular SER recipes (and our fixtures) lay it out. */
export const CLASSIC193_BLOCKS = [
  { feature: 'mfcc', from: 0, to: 40 },
  { feature: 'chromaStft', from: 40, to: 52 },
  { feature: 'mel', from: 52, to: 180 },
  { feature: 'contrast', from: 180, to: 187 },
  { feature: 'tonnetz', from: 187, to: 193 },
] as const satisfies readonly { feature: FeatureName; from: number; to: number }[];

export const PRESETS: Record<PresetName, Preset> = {
  classic193: {
    name: 'classic193',
    description: 'mean over frames of MFCC 40 + chroma_stft 12 + mel 128 + spectral contrast 7 + tonnetz 6 (librosa defaults)',
    features: CLASSIC193_BLOCKS.map((b) => b.feature),
    vectorLength: 193,
    request: (sr) => defaultRequest(sr, CLASSIC193_BLOCKS.map((b) => b.feature)),
  },
  functionals: {
    name: 'functionals',
    description: FUNCTIONALS_DESCRIPTION,
    features: ['stft', 'mfcc', 'mel', 'contrast', 'chromaStft'],
    vectorLength: FUNCTIONALS_LENGTH,
    request: functionalsRequest,
  },
  logmel: {
    name: 'logmel',
    // 25 ms windows every 10 ms, the usual speech framing; nFft 1024 keeps all 128 Slaney mel bands non-empty at 16 kHz.
    description: '128-band log-mel spectrogram in dB (25 ms Hann windows, 10 ms hop at 16 kHz, top_db 80): the CNN input',
    features: ['logmel'],
    request: (sr) => {
      const r = defaultRequest(sr, ['logmel']);
      const ms = (x: number) => Math.round((x * sr) / 1000);
      r.stft = { nFft: 1024 * Math.max(1, 2 ** Math.round(Math.log2(sr / 16000))), hopLength: ms(10), winLength: ms(25), center: true };
      return r;
    },
  },
};

export function isPresetName(x: string): x is PresetName {
  return x in PRESETS;
}

export function isVectorPreset(x: string): x is VectorPresetName {
  return (VECTOR_PRESETS as readonly string[]).includes(x);
}

/** Values in a vector preset's utterance vector. */
export function vectorLength(preset: VectorPresetName): number {
  return PRESETS[preset].vectorLength!;
}
