import { NativeLoadError, loadNativeEngine } from '@ser/native';
import { FeatureError } from '../errors.js';
import { EngineFeatureExtractor } from './engine-extractor.js';
import { TypeScriptEngine } from './ts/engine.js';
import type { FeatureEngine } from './types.js';

export { EngineFeatureExtractor, TYPESCRIPT_ENGINE_REVISION, assembleClassic193, type AudioInput } from './engine-extractor.js';

export type EngineChoice = 'auto' | 'native' | 'typescript';

export interface FeatureExtractorOptions {
  /** 'auto' (default) uses the native addon when it loads and the TypeScript twin otherwise. */
  engine?: EngineChoice;
  /** Where the one fallback warning goes (default: console.warn). */
  onWarning?: (message: string) => void;
}

let fallbackWarned = false;

function pickEngine(choice: EngineChoice, warn: (m: string) => void): FeatureEngine {
  if (choice === 'typescript') return new TypeScriptEngine();
  try {
    return loadNativeEngine();
  } catch (err) {
    if (!(err instanceof NativeLoadError)) throw err;
    if (choice === 'native') throw new FeatureError(`the native feature engine is unavailable: ${err.message}`, { cause: err });
    if (!fallbackWarned) {
      fallbackWarned = true;
      warn(`ser: native feature engine unavailable, using the TypeScript engine (same numbers, slower). ${err.message.split('\n')[0]}`);
    }
    return new TypeScriptEngine();
  }
}

/**
 * One typed API over two engines with identical output: the @ser/native addon and the pure TypeScript twin.
 * `engineName` says which one runs; a missing addon falls back to TypeScript with a single warning.
 */
export class FeatureExtractor extends EngineFeatureExtractor {
  constructor(options: FeatureExtractorOptions = {}) {
    super(pickEngine(options.engine ?? 'auto', options.onWarning ?? ((m) => console.warn(m))));
  }
}
