import { CorpusError } from '../errors.js';
import type { Emotion } from './emotions.js';
import { audioNameParts, lookupCode, type CorpusScheme } from './file-name.js';
import type { CorpusItem } from './types.js';

/**
 * CREMA-D, e.g. `1001_DFA_ANG_XX.wav`: actor, sentence, emotion, level. The actors' genders are in a separate
 * demographics table, not in the name, so `gender` stays undefined. Speaker ids are the four-digit actor numbers.
 */

const FIRST_ACTOR = 1001;
const LAST_ACTOR = 1091;

const SENTENCE_TEXT = new Map<string, string>([
  ['IEO', "It's eleven o'clock"],
  ['TIE', 'That is exactly what happened'],
  ['IOM', "I'm on my way to the meeting"],
  ['IWW', 'I wonder what this is about'],
  ['TAI', 'The airplane is almost full'],
  ['MTI', 'Maybe tomorrow it will be cold'],
  ['IWL', 'I would like a new alarm clock'],
  ['ITH', "I think I have a doctor's appointment"],
  ['DFA', "Don't forget a jacket"],
  ['ITS', "I think I've seen this before"],
  ['TSI', 'The surface is slick'],
  ['WSI', "We'll stop in a couple of minutes"],
]);

const EMOTION = new Map<string, Emotion>([
  ['ANG', 'angry'],
  ['DIS', 'disgust'],
  ['FEA', 'fearful'],
  ['HAP', 'happy'],
  ['NEU', 'neutral'],
  ['SAD', 'sad'],
]);

const LEVEL = new Map<string, string>([
  ['LO', 'low'],
  ['MD', 'medium'],
  ['HI', 'high'],
  ['XX', 'unspecified'],
]);

const SHAPE = /^(\d{4})_([A-Za-z]{3})_([A-Za-z]{3})_([A-Za-z]{2})$/;

export function parseCremadPath(path: string): CorpusItem {
  const { stem } = audioNameParts(path, 'CREMA-D');
  const m = SHAPE.exec(stem);
  if (!m) {
    throw new CorpusError(
      'does not fit the CREMA-D scheme: expected <actor>_<sentence>_<emotion>_<level> like 1001_DFA_ANG_XX.wav',
      path,
    );
  }
  const [, actor = '', sentence = '', emotionCode = '', level = ''] = m;
  const actorNumber = Number(actor);
  if (actorNumber < FIRST_ACTOR || actorNumber > LAST_ACTOR) {
    throw new CorpusError(`unknown CREMA-D actor '${actor}' (expected ${FIRST_ACTOR} to ${LAST_ACTOR})`, path);
  }
  const text = lookupCode(SENTENCE_TEXT, sentence, 'CREMA-D sentence code', path);
  const emotion = lookupCode(EMOTION, emotionCode, 'CREMA-D emotion', path);
  const intensity = lookupCode(LEVEL, level, 'CREMA-D level', path);
  return { path, corpus: 'cremad', speaker: actor, emotion, intensity, text };
}

export const cremadScheme: CorpusScheme = {
  name: 'cremad',
  title: 'CREMA-D',
  example: '1001_DFA_ANG_XX.wav',
  looksLike: ({ stem }) => SHAPE.test(stem),
  parse: parseCremadPath,
};
