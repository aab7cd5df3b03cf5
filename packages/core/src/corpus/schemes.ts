import { cremadScheme } from './scheme-cremad.js';
import { emodbScheme } from './scheme-emodb.js';
import { ravdessScheme } from './scheme-ravdess.js';
import { saveeScheme } from './scheme-savee.js';
import { tessScheme } from './scheme-tess.js';
import type { CorpusScheme } from './file-name.js';
import type { CorpusItem, CorpusName } from './types.js';

export const CORPUS_SCHEMES: Readonly<Record<CorpusName, CorpusScheme>> = {
  emodb: emodbScheme,
  ravdess: ravdessScheme,
  tess: tessScheme,
  savee: saveeScheme,
  cremad: cremadScheme,
};

/** Parses one path with the named corpus' scheme; throws `CorpusError` when it does not fit. */
export function parseCorpusPath(corpus: CorpusName, path: string): CorpusItem {
  return CORPUS_SCHEMES[corpus].parse(path);
}
