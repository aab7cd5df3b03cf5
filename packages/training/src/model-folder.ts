/**
 * A trained deep classifier as a model folder: `model.onnx` (verified against tfjs before it is written) and
 * `card.json` (how audio becomes the network's input, labels, data, protocol, figures). EmotionModel reads exactly this.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_CARD_FORMAT, parseModelCard, toModelInput, type CorpusUse, type Matrix, type ModelCard } from '@ser/core';
import { TrainingError } from './classifier.js';
import type { DeepClassifier } from './deep/classifier.js';
import { DEFAULT_OPSET, exportVerified, type OnnxVerification } from './onnx/index.js';

/** Examples the ONNX export is checked on (the contract: 100 real inputs). */
export const VERIFY_EXAMPLES = 100;
/** Largest model we ship in the repository. */
export const MAX_DEFAULT_MODEL_BYTES = 10 * 1024 * 1024;

export interface ModelFolderOptions {
  name: string;
  description: string;
  /** Output order of the network, as the classifier was trained (class index k = labels[k]). */
  labels: string[];
  sampleRate: number;
  corpora: CorpusUse[];
  /** How the figures in `training` were measured, e.g. "EMO-DB leave-one-speaker-out; RAVDESS 5-fold by actor". */
  protocol: string;
  /** Real utterances' features (classic193 vectors or log-mel matrices); the export is verified on windows of these. */
  verifyOn: readonly (Float32Array | Matrix)[];
  /** Anything else worth recording: cross-validation figures, seeds, augmentation, training time. */
  training?: Record<string, unknown>;
  /**
   * The classifier was trained on per-speaker standardised vectors (`verifyOn` holds such vectors too): the card
   * says so, and EmotionModel then classifies only several recordings of one speaker together.
   */
  speakerStandardisation?: { minRecordings: number };
}

export interface SavedModel {
  dir: string;
  card: ModelCard;
  verification: OnnxVerification;
  bytes: number;
}

/** Exports `classifier` (after fit) to `dir`; both files are written atomically, card.json last. */
export async function saveModelFolder(classifier: DeepClassifier, dir: string, o: ModelFolderOptions): Promise<SavedModel> {
  const info = classifier.info();
  if (o.labels.length !== info.nClasses) {
    throw new TrainingError(`saveModelFolder: ${o.labels.length} labels for a model with ${info.nClasses} outputs`);
  }
  const card: ModelCard = {
    format: MODEL_CARD_FORMAT,
    name: o.name,
    architecture: info.architecture,
    description: o.description,
    labels: [...o.labels],
    input: {
      preset: info.preset,
      sampleRate: o.sampleRate,
      ...(info.window ? { window: { ...info.window } } : {}),
      shape: [...info.inputShape],
    },
    normalization: info.normalization,
    ...(o.speakerStandardisation ? { speakerStandardisation: { ...o.speakerStandardisation } } : {}),
    backend: info.backend,
    opset: DEFAULT_OPSET,
    createdAt: new Date().toISOString(),
    training: {
      corpora: o.corpora,
      protocol: o.protocol,
      epochs: info.training.epochs,
      bestEpoch: info.training.bestEpoch,
      resumedFrom: info.training.resumedFrom,
      stoppedEarly: info.training.stoppedEarly,
      ...(info.training.bestValUar === undefined ? {} : { validationUar: info.training.bestValUar }),
      validationSpeakers: info.training.validationSpeakers,
      // The final model's learning curves, for the model page of the dashboard.
      history: info.training.history.map((h) => ({ epoch: h.epoch, loss: h.loss, accuracy: h.accuracy, ...(h.valUar === undefined ? {} : { valUar: h.valUar }) })),
      trainExamples: info.training.trainExamples,
      ...(info.members
        ? {
            // Ensembles: the figures above are member 1's; each member's own follow.
            ensemble: info.members.map((m) => ({ seed: m.seed, epochs: m.epochs, bestEpoch: m.bestEpoch, ...(m.bestValUar === undefined ? {} : { validationUar: m.bestValUar }), validationSpeakers: m.validationSpeakers, seconds: m.seconds })),
          }
        : {}),
      seconds: info.members ? info.members.reduce((a, m) => a + m.seconds, 0) : info.training.seconds,
      params: classifier.params,
      ...o.training,
    },
  };
  parseModelCard(card, join(dir, 'card.json'));

  const examples = modelExamples(card, o.verifyOn, VERIFY_EXAMPLES);
  if (examples.length === 0) throw new TrainingError('saveModelFolder: no utterances to verify the export on');
  const { bytes, verification } = await exportVerified(classifier.model, examples, { opset: DEFAULT_OPSET });
  card.training.onnxParity = { examples: verification.samples, maxAbsDiff: verification.maxAbsDiff, tolerance: verification.tolerance };

  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, 'model.onnx'), bytes);
  await writeAtomic(join(dir, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
  return { dir, card, verification, bytes: bytes.length };
}

/** Up to `limit` network-ready examples (normalised and windowed exactly as EmotionModel does), spread over the utterances. */
export function modelExamples(card: ModelCard, features: readonly (Float32Array | Matrix)[], limit: number): Float32Array[] {
  const size = card.input.shape.reduce((a, b) => a * b, 1);
  const picks = Math.min(limit, features.length);
  const perUtterance = picks > 0 ? Math.ceil(limit / picks) : 0;
  const out: Float32Array[] = [];
  for (let p = 0; p < picks && out.length < limit; p++) {
    const input = toModelInput(card, features[Math.floor((p * features.length) / picks)]!);
    const n = input.dims[0]!;
    const take = Math.min(n, perUtterance, limit - out.length);
    for (let j = 0; j < take; j++) {
      const k = Math.floor((j * n) / take);
      out.push(input.data.slice(k * size, (k + 1) * size));
    }
  }
  return out;
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
