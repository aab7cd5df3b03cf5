import { CorpusError } from '../errors.js';
import type { Emotion } from './emotions.js';
import { audioNameParts, lookupCode, type CorpusScheme, type NameParts } from './file-name.js';
import type { CorpusItem } from './types.js';

/**
 * SAVEE (Surrey Audio-Visual Expressed Emotion), four male speakers. Two layouts are in circulation: the flat one
 * (`DC_a01.wav`, as on Kaggle) and the original `AudioData/DC/a01.wav`, where the speaker is the folder.
 * Speaker ids are the two-letter initials ('DC').
 */

const SPEAKERS: ReadonlySet<string> = new Set(['DC', 'JE', 'JK', 'KL']);

const EMOTION = new Map<string, Emotion>([
  ['a', 'angry'],
  ['d', 'disgust'],
  ['f', 'fearful'],
  ['h', 'happy'],
  ['n', 'neutral'],
  ['sa', 'sad'],
  ['su', 'surprised'],
]);

const FLAT = /^([A-Za-z]+)_([A-Za-z]+)(\d+)$/;
const NESTED = /^([A-Za-z]+)(\d+)$/;
const SPEAKER_LIST = 'DC, JE, JK or KL';

export function parseSaveePath(path: string): CorpusItem {
  const parts = audioNameParts(path, 'SAVEE');
  const { speaker, emotionCode, number } = splitSaveeName(parts, path);
  if (!SPEAKERS.has(speaker)) {
    throw new CorpusError(`unknown SAVEE speaker '${speaker}' (expected ${SPEAKER_LIST})`, path);
  }
  const emotion = lookupCode(EMOTION, emotionCode, 'SAVEE emotion prefix', path);
  if (!/^\d{2}$/.test(number) || number === '00') {
    throw new CorpusError(`invalid SAVEE sentence number '${number}' (expected two digits, 01 or more)`, path);
  }
  return { path, corpus: 'savee', speaker, gender: 'male', emotion };
}

function splitSaveeName({ stem, parentFolder }: NameParts, path: string): { speaker: string; emotionCode: string; number: string } {
  const flat = FLAT.exec(stem);
  if (flat) return { speaker: flat[1] ?? '', emotionCode: flat[2] ?? '', number: flat[3] ?? '' };
  const nested = NESTED.exec(stem);
  if (nested) {
    if (!SPEAKERS.has(parentFolder)) {
      throw new CorpusError(
        `SAVEE file without a speaker prefix must lie in a speaker folder (${SPEAKER_LIST}), found it in '${parentFolder}'`,
        path,
      );
    }
    return { speaker: parentFolder, emotionCode: nested[1] ?? '', number: nested[2] ?? '' };
  }
  throw new CorpusError(
    `does not fit the SAVEE scheme: expected DC_a01.wav or DC/a01.wav (speaker ${SPEAKER_LIST}; emotion a, d, f, h, n, sa or su; 2-digit number)`,
    path,
  );
}

export const saveeScheme: CorpusScheme = {
  name: 'savee',
  title: 'SAVEE',
  example: 'DC_a01.wav',
  looksLike: ({ stem, parentFolder }) =>
    /^[A-Z]{2}_[a-z]{1,2}\d{2}$/i.test(stem) || (/^[a-z]{1,2}\d{2}$/i.test(stem) && /^[A-Z]{2}$/i.test(parentFolder)),
  parse: parseSaveePath,
};
