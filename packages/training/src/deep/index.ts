export {
  DEEP_ARCHITECTURES,
  ARCHITECTURE_DESCRIPTIONS,
  architectureInput,
  buildArchitecture,
  buildEnsemble,
  isDeepArchitecture,
  type ArchitectureOptions,
  type DeepArchitecture,
} from './architectures.js';
export {
  DeepClassifier,
  SEED_RECIPE,
  carveValidation,
  memberSeed,
  createDeepClassifier,
  uar,
  type DeepClassifierOptions,
  type DeepFitContext,
  type DeepModelInfo,
  type ValidationOptions,
} from './classifier.js';
export { TrainingInterruptedError, epochSeed, trainModel, type EpochProgress, type TrainLoopOptions, type TrainResult, type TrainingSet } from './train.js';
export { CHECKPOINT_FILE, checkpointPath, readCheckpoint, writeCheckpoint, type CheckpointFile, type StoredTensor } from './checkpoint.js';
export { specAugment, betaSample, gammaSample, gaussian, type SpecAugmentOptions } from './spec-augment.js';
export {
  addNoise,
  applyGain,
  augmentCopies,
  augmentDataset,
  augmentWaveform,
  bandLimit,
  power,
  speedPerturb,
  timeShift,
  type AugmentedRows,
  type WaveAugmentOptions,
} from './augment.js';
export { ensureTrainingKernels } from './kernels.js';
