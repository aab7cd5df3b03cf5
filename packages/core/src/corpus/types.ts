import type { Emotion } from './emotions.js';

export const CORPUS_NAMES = ['emodb', 'ravdess', 'tess', 'savee', 'cremad'] as const;

export type CorpusName = (typeof CORPUS_NAMES)[number];

export function isCorpusName(x: string): x is CorpusName {
  return (CORPUS_NAMES as readonly string[]).includes(x);
}

export type Gender = 'male' | 'female';

/** One recording and the labels its file name carries. */
export interface CorpusItem {
  /** The path the item was parsed from (absolute when it comes from `readCorpus`). */
  path: string;
  corpus: CorpusName;
  /** Unique within its corpus and distinct from the other corpora's ids (see each scheme for its form). */
  speaker: string;
  /** Left out where the file name does not tell (CREMA-D). */
  gender?: Gender;
  emotion: Emotion;
  /** Corpus-specific level: RAVDESS 'normal' | 'strong', CREMA-D 'low' | 'medium' | 'high' | 'unspecified'. */
  intensity?: string;
  /** The words spoken, where the scheme identifies them. */
  text?: string;
}

export interface Corpus {
  name: CorpusName;
  /** Absolute path of the folder that was read. */
  root: string;
  items: CorpusItem[];
}
