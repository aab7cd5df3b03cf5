export { EMOTIONS, isEmotion, type Emotion } from './emotions.js';
export { CORPUS_NAMES, isCorpusName, type Corpus, type CorpusItem, type CorpusName, type Gender } from './types.js';
export { CORPUS_AUDIO_EXTENSIONS, isCorpusAudioFileName, type CorpusScheme, type NameParts } from './file-name.js';
export { CORPUS_SCHEMES, parseCorpusPath } from './schemes.js';
export { parseEmodbPath } from './scheme-emodb.js';
export { parseRavdessPath } from './scheme-ravdess.js';
export { parseTessPath } from './scheme-tess.js';
export { parseSaveePath } from './scheme-savee.js';
export { parseCremadPath } from './scheme-cremad.js';
export { readCorpus, summarizeCorpus, type CorpusSummary, type ReadCorpusOptions } from './read-corpus.js';
export { compareSpeakerIds, sortSpeakerIds } from './speaker-order.js';
export {
  leaveOneSpeakerOut,
  speakerKFold,
  stratifiedSplit,
  type Fold,
  type SpeakerKFoldOptions,
  type SplittableItem,
  type StratifiedSplitOptions,
} from './splits.js';
