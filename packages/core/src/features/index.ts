export { FeatureCache, type CacheProgress, type ExtractManyOptions, type ExtractManyResult, type ExtractionFailure, type FeatureCacheOptions } from './cache.js';
export { EngineFeatureExtractor, FeatureExtractor, TYPESCRIPT_ENGINE_REVISION, assembleClassic193, type AudioInput, type EngineChoice, type FeatureExtractorOptions } from './extractor.js';
export { PRESETS, CLASSIC193_BLOCKS, isPresetName, type Preset, type PresetName } from './presets.js';
export { TypeScriptEngine } from './ts/engine.js';
export * from './types.js';
export { cutWindows, type WindowSpec } from './windows.js';
