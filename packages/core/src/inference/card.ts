/**
 * The model card: everything needed to turn audio into the exact tensor a model was trained on, and to say what the
 * model is (labels, data, protocol, cross-validation figures, licences). Written by training, read by EmotionModel,
 * the CLI and the dashboard; `model.onnx` beside it holds the weights.
 */
import { SerError } from '../errors.js';
import { PRESETS, isPresetName, type PresetName } from '../features/presets.js';
import type { WindowSpec } from '../features/windows.js';

export const MODEL_CARD_FORMAT = 'ser-model-card/1';

/**
 * How inputs are standardised before the network:
 * - `feature`: per feature (a vector preset: each value; log-mel: each mel band), statistics of the training set;
 * - `utterance`: the whole log-mel matrix of one utterance to zero mean and unit variance (gain-invariant);
 * - `none`.
 */
export type Normalization =
  | { kind: 'feature'; mean: number[]; std: number[] }
  | { kind: 'utterance' }
  | { kind: 'none' };

export interface CorpusUse {
  name: string;
  files: number;
  speakers: number;
  licence: string;
}

export interface ModelCard {
  format: typeof MODEL_CARD_FORMAT;
  name: string;
  /** e.g. "mlp", "cnn1d", "vgg2d", "resatt2d". */
  architecture: string;
  description: string;
  /** Output order of the network's probabilities, canonical emotion names. */
  labels: string[];
  input: {
    preset: PresetName;
    /** Audio is resampled to this rate before features. */
    sampleRate: number;
    /** Log-mel models: windows cut with cutWindows; the utterance's scores are the mean over windows. */
    window?: WindowSpec;
    /** One example's tensor shape without the batch axis, e.g. [193] or [128, 128, 1]. */
    shape: number[];
  };
  normalization: Normalization;
  /**
   * Present when the model was trained on per-speaker standardised vectors: each recording's feature vector is first
   * standardised with the mean and population standard deviation of the recordings of the same speaker given with
   * it (at least `minRecordings`), then `normalization` applies. Such a model classifies several recordings of one
   * speaker at once (`predictSpeaker`), never a lone recording.
   */
  speakerStandardisation?: { minRecordings: number };
  /** TensorFlow.js backend the model was trained on. */
  backend: string;
  opset: number;
  createdAt: string;
  /** Data, protocol, cross-validation figures, training time, seeds, augmentation: free-form but JSON. */
  training: {
    corpora: CorpusUse[];
    protocol: string;
    [key: string]: unknown;
  };
}

/** A model folder that is missing, unreadable or inconsistent. */
export class ModelError extends SerError {}

/** Checks a parsed card.json; `where` names the file in error messages. */
export function parseModelCard(json: unknown, where: string): ModelCard {
  const bad = (what: string): never => {
    throw new ModelError(`${where}: ${what}; re-export the model with \`ser train\` or pass another --model folder`);
  };
  if (typeof json !== 'object' || json === null) bad('not a JSON object');
  const c = json as Partial<ModelCard>;
  if (c.format !== MODEL_CARD_FORMAT) bad(`format is ${JSON.stringify(c.format)}, expected "${MODEL_CARD_FORMAT}"`);
  if (!Array.isArray(c.labels) || c.labels.length < 2 || !c.labels.every((l) => typeof l === 'string')) bad('labels must list at least two emotion names');
  const input = c.input;
  if (!input || !isPresetName(String(input.preset))) bad(`input.preset must be one of ${Object.keys(PRESETS).map((p) => `"${p}"`).join(', ')}`);
  if (!Number.isInteger(input!.sampleRate) || input!.sampleRate < 1000) bad('input.sampleRate must be an integer rate in Hz');
  if (!Array.isArray(input!.shape) || !input!.shape.every((d) => Number.isInteger(d) && d > 0)) bad('input.shape must list positive integers');
  if (input!.preset === 'logmel') {
    const w = input!.window;
    if (!w || !Number.isInteger(w.frames) || w.frames < 1 || !Number.isInteger(w.hop) || w.hop < 1) bad('a log-mel model needs input.window { frames, hop }');
  }
  const n = c.normalization;
  if (!n || !['feature', 'utterance', 'none'].includes(n.kind)) bad('normalization.kind must be feature, utterance or none');
  if (n!.kind === 'feature' && (!Array.isArray(n!.mean) || !Array.isArray(n!.std) || n!.mean.length !== n!.std.length || n!.mean.length === 0)) {
    bad('feature normalization needs mean and std of equal length');
  }
  const spk = c.speakerStandardisation;
  if (spk !== undefined) {
    if (input!.preset === 'logmel') bad('speakerStandardisation applies to vector presets, not log-mel');
    if (typeof spk !== 'object' || spk === null || !Number.isInteger(spk.minRecordings) || spk.minRecordings < 2) {
      bad('speakerStandardisation.minRecordings must be an integer of at least 2');
    }
  }
  return c as ModelCard;
}

/**
 * Applies a feature normalization in place to rows of `width` values whose last axis is the feature
 * (classic193 vectors; time-major log-mel windows, where the feature is the mel band).
 */
export function normalizeFeatures(data: Float32Array, n: Normalization & { kind: 'feature' }): Float32Array {
  const w = n.mean.length;
  if (data.length % w !== 0) throw new ModelError(`normalization for ${w} features met ${data.length} values`);
  for (let i = 0; i < data.length; i++) {
    const f = i % w;
    data[i] = (data[i]! - n.mean[f]!) / n.std[f]!;
  }
  return data;
}

/** Standardises a whole matrix (one utterance) to zero mean and unit variance, in place. */
export function normalizeUtterance(data: Float32Array): Float32Array {
  let mean = 0;
  for (const v of data) mean += v;
  mean /= data.length;
  let v2 = 0;
  for (const v of data) v2 += (v - mean) ** 2;
  const std = Math.sqrt(v2 / data.length) || 1;
  for (let i = 0; i < data.length; i++) data[i] = (data[i]! - mean) / std;
  return data;
}
