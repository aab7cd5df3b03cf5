/**
 * `@ser/core/browser`: everything that runs without Node: the TypeScript feature engine, model cards, the model core
 * (bring onnxruntime-web), resampling, WAV encoding, segments and metrics. No module here imports a Node builtin or
 * the native addon, so bundlers (Next.js, esbuild) can ship it to the browser and to web workers.
 */
export * from './errors.js';
export { resample, Resampler, type ResamplerOptions } from './audio/resample.js';
export { encodeWav } from './audio/wav-encode.js';
export { EMOTIONS, isEmotion, type Emotion } from './corpus/emotions.js';
export { createRng, type Rng } from './random.js';
export { EngineFeatureExtractor, TYPESCRIPT_ENGINE_REVISION, assembleClassic193, type AudioInput } from './features/engine-extractor.js';
export { PRESETS, CLASSIC193_BLOCKS, isPresetName, type Preset, type PresetName } from './features/presets.js';
export { TypeScriptEngine } from './features/ts/engine.js';
export * from './features/types.js';
export { cutWindows, type WindowSpec } from './features/windows.js';
export * from './eval/metrics.js';
export * from './inference/card.js';
export * from './inference/model-core.js';
export * from './inference/segments.js';
