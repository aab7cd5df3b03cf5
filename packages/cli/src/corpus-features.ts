import { homedir } from 'node:os';
import { join } from 'node:path';
import { FeatureCache, FeatureExtractor, readCorpus, type Corpus, type CorpusName, type EngineChoice, type ExtractionFailure, type PresetName } from '@ser/core';
import type { LabelledRows } from '@ser/training';
import { progressBar } from './progress.js';

export interface CorpusFeatureOptions {
  preset: PresetName;
  cacheDir?: string;
  engine?: EngineChoice;
  corpus?: CorpusName;
  /** Progress and notes on stderr (off for tests). */
  quiet?: boolean;
}

export interface CorpusFeatures {
  corpus: Corpus;
  data: LabelledRows;
  /** Audio file of each row of `data` (files that failed are in neither). */
  paths: string[];
  failures: ExtractionFailure[];
  engine: string;
  cached: number;
  extracted: number;
}

/** $SER_CACHE_DIR, else $XDG_CACHE_HOME/ser, else ~/.cache/ser. */
export function defaultCacheDir(): string {
  if (process.env.SER_CACHE_DIR) return process.env.SER_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ser');
}

/** Reads a corpus folder and its utterance features, extracting only what the cache lacks. */
export async function corpusFeatures(dir: string, options: CorpusFeatureOptions): Promise<CorpusFeatures> {
  const corpus = await readCorpus(dir, options.corpus ? { corpus: options.corpus } : {});
  const extractor = new FeatureExtractor({ engine: options.engine ?? 'auto' });
  const cache = new FeatureCache({ dir: join(options.cacheDir ?? defaultCacheDir(), 'features'), preset: options.preset, extractor });
  const bar = options.quiet ? undefined : progressBar(`features ${corpus.name}`);
  const result = await cache.extractMany(
    corpus.items.map((it) => it.path),
    { onProgress: (p) => bar?.update(p.done, p.total, `(${p.cached} cached${p.failed ? `, ${p.failed} failed` : ''})`) },
  );
  bar?.done(`${corpus.items.length} files, ${result.cached} from cache, ${result.extracted} extracted with the ${extractor.engineId} engine`);
  const data: LabelledRows = { x: [], speakers: [], emotions: [] };
  const paths: string[] = [];
  corpus.items.forEach((item, i) => {
    const m = result.features[i];
    if (!m) return;
    data.x.push(m.data);
    if (options.preset === 'logmel') (data.matrices ??= []).push(m);
    data.speakers.push(item.speaker);
    data.emotions.push(item.emotion);
    paths.push(item.path);
  });
  return { corpus, data, paths, failures: result.failures, engine: extractor.engineId, cached: result.cached, extracted: result.extracted };
}
