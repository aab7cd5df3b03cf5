/**
 * Types of the native engine's own API (the shared engine contract lives in ./types.js and is not changed here).
 */
import type { FeatureName, FeatureRequest, FeatureResult } from './types.js';

/** One signal of a batch. */
export interface BatchItem {
  samples: Float32Array;
  sampleRate: number;
}

export interface BatchOptions {
  /** Worker threads for this batch (default: the machine's hardware concurrency, see `threadCount()`). */
  threads?: number;
}

/** Where a load attempt looked and why it failed. */
export interface NativeLoadAttempt {
  path: string;
  source: 'SER_NATIVE_PATH' | 'local build';
  error: string;
}

/** The exports of ser_native.node, as the C++ binding (cpp/addon.cpp) defines them. */
export interface NativeBinding {
  compute(samples: Float32Array, sampleRate: number, request: FeatureRequest): FeatureResult;
  computeBatch(items: BatchItem[], request: FeatureRequest, threads?: number): Promise<FeatureResult[]>;
  threadCount(): number;
  readonly version: string;
  /** Contract version between this TypeScript wrapper and the addon; a mismatch means a stale build. */
  readonly abi: number;
  /** Features the native kernels implement. */
  readonly features: FeatureName[];
  /** Every feature name the binding knows (implemented or not yet). */
  readonly allFeatures: FeatureName[];
}
