export * from './types.js';
export type { BatchItem, BatchOptions, NativeBinding, NativeLoadAttempt } from './native-types.js';
export { NATIVE_ABI, NativeLoadError, loadBinding, nativeCandidates } from './loader.js';
export type { NativeCandidate } from './loader.js';
export { NativeEngine, loadNativeEngine } from './engine.js';
