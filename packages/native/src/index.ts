export * from './types.js';
export type { BatchItem, BatchOptions, NativeBinding, NativeLoadAttempt } from './native-types.js';
export { NATIVE_ABI, NativeLoadError, loadBinding, nativeCandidates } from './loader.js';
export type { NativeCandidate } from './loader.js';
export { NativeEngine, loadNativeEngine } from './engine.js';
export { NativeNn, loadNativeNn } from './nn.js';
export type { ConvShape, NnActivation, NnBinaryOp, NnBinding, NnUnaryOp, PoolShape } from './nn.js';
