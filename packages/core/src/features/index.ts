export { FeatureCache, type CacheProgress, type ExtractManyOptions, type ExtractManyResult, type ExtractionFailure, type FeatureCacheOptions } from './cache.js';
export { EngineFeatureExtractor, FeatureExtractor, TYPESCRIPT_ENGINE_REVISION, assembleClassic193, type AudioInput, type EngineChoice, type FeatureExtractorOptions } from './extractor.js';
export { PRESETS, CLASSIC193_BLOCKS, VECTOR_PRESETS, isPresetName, isVectorPreset, vectorLength, type Preset, type PresetName, type VectorPresetName } from './presets.js';
export { FUNCTIONALS_LENGTH, assembleFunctionals, functionalNames, functionalsRequest } from './functionals.js';
export { PITCH_RANGE_HZ, pitchTrack, type PitchTrack } from './pitch.js';
export { TypeScriptEngine } from './ts/engine.js';
export * from './types.js';
export { cutWindows, type WindowSpec } from './windows.js';
