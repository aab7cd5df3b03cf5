/** The native feature engine: the FeatureEngine contract on top of ser_native.node. */
import { loadBinding } from './loader.js';
import type { BatchItem, BatchOptions, NativeBinding } from './native-types.js';
import type { FeatureEngine, FeatureName, FeatureRequest, FeatureResult } from './types.js';

export class NativeEngine implements FeatureEngine {
  readonly name = 'native' as const;
  /** The addon's version (this package's version at build time). */
  readonly version: string;
  /** The ser_native.node file in use. */
  readonly path: string;
  /** Features the native kernels implement; others throw (the tonal ones are still to be ported). */
  readonly features: readonly FeatureName[];
  readonly #binding: NativeBinding;

  constructor(binding: NativeBinding, path: string) {
    this.#binding = binding;
    this.path = path;
    this.version = binding.version;
    this.features = Object.freeze([...binding.features]);
  }

  /**
   * Computes every requested feature of one signal, synchronously on the calling thread (fine for short clips;
   * use computeBatch for many or long ones). Throws TypeError / RangeError on invalid input.
   */
  compute(samples: Float32Array, sampleRate: number, request: FeatureRequest): FeatureResult {
    return this.#binding.compute(samples, sampleRate, request);
  }

  /**
   * Computes the same request for many signals on the addon's thread pool, off the event loop. Results come back in
   * item order. Invalid input rejects with TypeError / RangeError naming the item.
   */
  async computeBatch(items: BatchItem[], request: FeatureRequest, options?: BatchOptions): Promise<FeatureResult[]> {
    if (!Array.isArray(items)) throw new TypeError('computeBatch: items must be an array of { samples, sampleRate }');
    const threads = options?.threads;
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256)) {
      throw new RangeError(`computeBatch: options.threads must be an integer in [1, 256] (got ${String(threads)})`);
    }
    return this.#binding.computeBatch(items, request, threads);
  }

  /** Threads a batch uses by default: std::thread::hardware_concurrency(). */
  threadCount(): number {
    return this.#binding.threadCount();
  }

  supports(feature: FeatureName): boolean {
    return this.features.includes(feature);
  }
}

let engine: NativeEngine | undefined;

/**
 * The native engine (loaded once). Throws NativeLoadError, listing what was tried and the fixes, when the addon is
 * not built or cannot load; callers fall back to the TypeScript engine.
 */
export function loadNativeEngine(): NativeEngine {
  const { binding, path } = loadBinding();
  if (engine === undefined || engine.path !== path) engine = new NativeEngine(binding, path);
  return engine;
}
