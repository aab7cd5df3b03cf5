/**
 * Extract a corpus once, reuse it: one small file per recording under
 *   <dir>/<preset>-<config hash>/<first 2 hex of content hash>/<content hash>.f32
 * The config hash covers the preset, its full request at the target rate, that rate and the engine's id and version,
 * so changing any of them extracts again instead of mixing incompatible vectors. Each entry is written atomically
 * (temp file + rename) as soon as it is computed, so an interrupted run resumes where it stopped.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAudio } from '../audio/load.js';
import { AudioDecodeError, FeatureError } from '../errors.js';
import type { FeatureExtractor } from './extractor.js';
import { FUNCTIONALS_REVISION } from './functionals.js';
import { PRESETS, type PresetName } from './presets.js';
import type { Matrix } from './types.js';

const MAGIC = 0x46524553; // "SERF" little-endian
const FORMAT_VERSION = 1;
const HEADER_BYTES = 16;

export interface FeatureCacheOptions {
  /** Cache root (created on demand). */
  dir: string;
  preset: PresetName;
  extractor: FeatureExtractor;
  /** Every file is decoded, mixed to mono and resampled to this rate first. Default 16000. */
  sampleRate?: number;
  /** How many files go to the engine at once (the native engine spreads a batch over its threads). Default 32. */
  batchSize?: number;
}

export interface CacheProgress {
  done: number;
  total: number;
  /** Of `done`, how many came from the cache rather than extraction. */
  cached: number;
  /** Files that could not be decoded so far. */
  failed: number;
}

export interface ExtractManyOptions {
  onProgress?: (p: CacheProgress) => void;
  /** Stop between batches (everything computed so far is already saved). */
  signal?: AbortSignal;
}

/** A file that could not be decoded; the corpus run goes on without it and reports it. */
export interface ExtractionFailure {
  path: string;
  error: AudioDecodeError;
}

export interface ExtractManyResult {
  /** In input order; `null` for a file listed in `failures` (also in input order). */
  features: (Matrix | null)[];
  failures: ExtractionFailure[];
  /** Files served from the cache (no decoding, no extraction). */
  cached: number;
  extracted: number;
}

export class FeatureCache {
  readonly dir: string;
  readonly preset: PresetName;
  readonly sampleRate: number;
  /** The folder holding this configuration's entries. */
  readonly configDir: string;
  readonly #extractor: FeatureExtractor;
  readonly #batchSize: number;

  constructor(options: FeatureCacheOptions) {
    this.dir = options.dir;
    this.preset = options.preset;
    this.sampleRate = options.sampleRate ?? 16000;
    this.#extractor = options.extractor;
    this.#batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new FeatureError(`batchSize must be a positive integer, got ${this.#batchSize}`);
    const config = {
      preset: this.preset,
      request: PRESETS[this.preset].request(this.sampleRate),
      sampleRate: this.sampleRate,
      engine: this.#extractor.engineId,
      format: FORMAT_VERSION,
      // The reduction after the engine (statistics, pitch) is TypeScript for every engine: its revision counts too.
      ...(this.preset === 'functionals' ? { functionals: FUNCTIONALS_REVISION } : {}),
    };
    const hash = createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
    this.configDir = join(this.dir, `${this.preset}-${hash}`);
  }

  /**
   * Features of every file, from the cache where present, extracted (and saved) otherwise. Files that fail to decode
   * are reported in `failures`, not thrown, so one corrupt recording does not cost a whole corpus run.
   */
  async extractMany(paths: readonly string[], options: ExtractManyOptions = {}): Promise<ExtractManyResult> {
    const features: (Matrix | null)[] = new Array<Matrix | null>(paths.length).fill(null);
    const failures: ExtractionFailure[] = [];
    let cached = 0;
    let extracted = 0;
    const report = () => options.onProgress?.({ done: cached + extracted + failures.length, total: paths.length, cached, failed: failures.length });

    const pending: { index: number; bytes: Uint8Array; key: string }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending.splice(0, pending.length);
      const decoded: { index: number; key: string; samples: Float32Array }[] = [];
      for (const p of batch) {
        try {
          const audio = await loadAudio(p.bytes, { sampleRate: this.sampleRate, mono: true, name: paths[p.index]! });
          decoded.push({ index: p.index, key: p.key, samples: audio.samples });
        } catch (err) {
          if (!(err instanceof AudioDecodeError)) throw err;
          failures.push({ path: paths[p.index]!, error: err });
        }
      }
      const results = await this.#extractor.extractBatch(decoded.map((d) => ({ samples: d.samples, sampleRate: this.sampleRate })), this.preset);
      for (let i = 0; i < decoded.length; i++) {
        const m = asMatrix(results[i]!);
        features[decoded[i]!.index] = m;
        await this.#write(decoded[i]!.key, m);
        extracted++;
      }
      report();
    };

    for (let index = 0; index < paths.length; index++) {
      if (options.signal?.aborted) throw new FeatureError('feature extraction was interrupted; run it again to resume from the cache');
      let bytes: Uint8Array;
      try {
        bytes = await readFile(paths[index]!);
      } catch (err) {
        failures.push({ path: paths[index]!, error: new AudioDecodeError(paths[index]!, `cannot be read (${(err as Error).message})`, { cause: err }) });
        report();
        continue;
      }
      const key = createHash('sha256').update(bytes).digest('hex');
      const hit = await this.#read(key);
      if (hit) {
        features[index] = hit;
        cached++;
        if (cached % 64 === 0) report();
        continue;
      }
      pending.push({ index, bytes, key });
      if (pending.length >= this.#batchSize) await flush();
    }
    await flush();
    report();
    const order = new Map(paths.map((p, i) => [p, i]));
    failures.sort((a, b) => order.get(a.path)! - order.get(b.path)!);
    return { features, failures, cached, extracted };
  }

  #path(key: string): string {
    return join(this.configDir, key.slice(0, 2), `${key}.f32`);
  }

  async #read(key: string): Promise<Matrix | null> {
    let buf: Buffer;
    try {
      buf = await readFile(this.#path(key));
    } catch {
      return null;
    }
    // A damaged entry (a disk full mid-write on a filesystem without atomic rename) is recomputed, not trusted.
    if (buf.length < HEADER_BYTES || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== FORMAT_VERSION) return null;
    const rows = buf.readUInt32LE(8);
    const cols = buf.readUInt32LE(12);
    if (buf.length !== HEADER_BYTES + rows * cols * 4) return null;
    const data = new Float32Array(rows * cols);
    new Uint8Array(data.buffer).set(buf.subarray(HEADER_BYTES));
    return { data, rows, cols };
  }

  async #write(key: string, m: Matrix): Promise<void> {
    const file = this.#path(key);
    await mkdir(join(this.configDir, key.slice(0, 2)), { recursive: true });
    const buf = Buffer.alloc(HEADER_BYTES + m.data.length * 4);
    buf.writeUInt32LE(MAGIC, 0);
    buf.writeUInt32LE(FORMAT_VERSION, 4);
    buf.writeUInt32LE(m.rows, 8);
    buf.writeUInt32LE(m.cols, 12);
    Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength).copy(buf, HEADER_BYTES);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, buf);
    await rename(tmp, file);
  }
}

/** Vector presets come back as a vector; store it as an n x 1 matrix so every preset shares one entry format. */
function asMatrix(x: Float32Array | Matrix): Matrix {
  return x instanceof Float32Array ? { data: x, rows: x.length, cols: 1 } : x;
}
