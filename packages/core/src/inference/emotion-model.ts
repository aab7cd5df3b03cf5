/**
 * EmotionModel: a model folder (`model.onnx` + `card.json`) turned into `predict(audio) -> { label, scores }`.
 * The card says how audio becomes the tensor the network was trained on (rate, preset, normalisation, windows);
 * onnxruntime-node runs the network. onnxruntime is imported only when a model is loaded, so @ser/core itself loads
 * where it is absent. Everything but files lives in EmotionModelCore (model-core.ts), which the browser uses.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAudio } from '../audio/load.js';
import { FeatureExtractor, type EngineChoice } from '../features/extractor.js';
import { ModelError, parseModelCard } from './card.js';
import { EmotionModelCore, checkCardInput, openSession, type OnnxRuntime, type PredictInput } from './model-core.js';

export interface EmotionModelOptions {
  /** Feature extractor to use (default: a new one with `engine`). */
  extractor?: FeatureExtractor;
  /** Feature engine when no extractor is given: 'auto' (default), 'native' or 'typescript'. */
  engine?: EngineChoice;
  /** Where warnings go (feature-engine fallback, audio read to a truncated end). Default: console.warn. */
  onWarning?: (message: string) => void;
  /** The onnxruntime module (default: `import('onnxruntime-node')`); pass onnxruntime-web in the browser. */
  runtime?: OnnxRuntime;
}


/** A model file larger than this is refused before it is read. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

const FIX = 'pass another folder with --model, or train one with `ser train`';

/**
 * The model folder used when none is named: `$SER_MODEL_DIR`, else the repository's `models/default/` (found by
 * walking up from this module). Undefined when there is none.
 */
export function defaultModelDir(): string | undefined {
  const env = process.env.SER_MODEL_DIR;
  if (env) return resolve(env);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'models', 'default', 'card.json'))) return join(dir, 'models', 'default');
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

async function importRuntime(): Promise<OnnxRuntime> {
  try {
    // CommonJS: ESM sees module.exports as the default export.
    const mod = (await import('onnxruntime-node')) as unknown as { default?: OnnxRuntime } & OnnxRuntime;
    return mod.default ?? mod;
  } catch (err) {
    throw new ModelError(
      `onnxruntime-node cannot be loaded (${(err as Error).message.split('\n')[0]}); install it with ` +
        '`npm install onnxruntime-node` (in the browser, pass `runtime` from onnxruntime-web to EmotionModel.load)',
      { cause: err },
    );
  }
}

async function readModelFile(path: string, what: string): Promise<Buffer> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ModelError(`${path}: not a regular file; a model folder holds model.onnx and card.json`);
    if (s.size > MAX_MODEL_BYTES) throw new ModelError(`${path}: ${s.size} bytes is too large for a ${what}`);
    return await readFile(path);
  } catch (err) {
    if (err instanceof ModelError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? `missing; a model folder holds model.onnx and card.json; ${FIX}`
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied; check the file permissions'
      : `cannot be read (${(err as Error).message})`;
    throw new ModelError(`${path}: ${reason}`, { cause: err });
  }
}

/** A loaded model folder: EmotionModelCore plus files, bytes and the native feature engine. */
export class EmotionModel extends EmotionModelCore {
  /**
   * Loads `dir/card.json` and `dir/model.onnx` (default: `defaultModelDir()`). Every problem with the folder is a
   * ModelError naming the file and what to do.
   */
  static async load(dir?: string, options: EmotionModelOptions = {}): Promise<EmotionModel> {
    const folder = dir ?? defaultModelDir();
    if (folder === undefined) {
      throw new ModelError(
        'no model given and no default model found (models/default/ in the repository, or $SER_MODEL_DIR); ' +
          'pass a model folder with --model <dir>, or train one with `ser train`',
      );
    }
    const where = resolve(folder);
    let s;
    try {
      s = await stat(where);
    } catch (err) {
      const via = dir === undefined && process.env.SER_MODEL_DIR ? ' ($SER_MODEL_DIR)' : '';
      throw new ModelError(`${folder}${via}: no such model folder; ${FIX}`, { cause: err });
    }
    if (!s.isDirectory()) throw new ModelError(`${folder}: not a folder; a model is a folder holding model.onnx and card.json`);

    const cardPath = join(folder, 'card.json');
    const cardText = (await readModelFile(cardPath, 'model card')).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(cardText);
    } catch (err) {
      throw new ModelError(`${cardPath}: not valid JSON (${(err as Error).message}); re-export the model or ${FIX}`, { cause: err });
    }
    const card = parseModelCard(json, cardPath);
    checkCardInput(card, cardPath);

    const onnxPath = join(folder, 'model.onnx');
    const bytes = await readModelFile(onnxPath, 'model');
    const runtime = options.runtime ?? (await importRuntime());
    const session = await openSession(runtime, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), card, onnxPath, FIX);
    const warn = options.onWarning ?? ((m: string) => console.warn(m));
    const extractor = options.extractor ?? new FeatureExtractor({ engine: options.engine ?? 'auto', onWarning: warn });
    return new EmotionModel(folder, onnxPath, card, runtime, session, extractor, warn);
  }

  protected override async decode(input: PredictInput): Promise<Float32Array> {
    if (typeof input === 'string' || input instanceof Uint8Array) {
      const a = await loadAudio(input, { sampleRate: this.card.input.sampleRate, onWarning: this.warn });
      return a.samples;
    }
    return this.samplesAtRate(input);
  }
}
