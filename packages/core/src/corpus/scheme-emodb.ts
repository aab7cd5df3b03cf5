import { CorpusError } from '../errors.js';
import type { Emotion } from './emotions.js';
import { audioNameParts, lookupCode, type CorpusScheme } from './file-name.js';
import type { CorpusItem, Gender } from './types.js';

/**
 * EMO-DB (Berlin Database of Emotional Speech), e.g. `03a01Fa.wav`: speaker (2 digits), sentence code (3), emotion
 * letter (the German word's initial), version letter. Speaker ids are the bare two digits ('03').
 */

const SPEAKER_GENDER = new Map<string, Gender>([
  ['03', 'male'],
  ['08', 'female'],
  ['09', 'female'],
  ['10', 'male'],
  ['11', 'male'],
  ['12', 'male'],
  ['13', 'female'],
  ['14', 'female'],
  ['15', 'male'],
  ['16', 'female'],
]);

// Spelling as in the corpus documentation (emodb.bilderbar.info).
const SENTENCE_TEXT = new Map<string, string>([
  ['a01', 'Der Lappen liegt auf dem Eisschrank.'],
  ['a02', 'Das will sie am Mittwoch abgeben.'],
  ['a04', 'Heute abend könnte ich es ihm sagen.'],
  ['a05', 'Das schwarze Stück Papier befindet sich da oben neben dem Holzstück.'],
  ['a07', 'In sieben Stunden wird es soweit sein.'],
  ['b01', 'Was sind denn das für Tüten, die da unter dem Tisch stehen?'],
  ['b02', 'Sie haben es gerade hochgetragen und jetzt gehen sie wieder runter.'],
  ['b03', 'An den Wochenenden bin ich jetzt immer nach Hause gefahren und habe Agnes besucht.'],
  ['b09', 'Ich will das eben wegbringen und dann mit Karl was trinken gehen.'],
  ['b10', 'Die wird auf dem Platz sein, wo wir sie immer hinlegen.'],
]);

const EMOTION = new Map<string, Emotion>([
  ['W', 'angry'], // Wut
  ['L', 'boredom'], // Langeweile
  ['E', 'disgust'], // Ekel
  ['A', 'fearful'], // Angst
  ['F', 'happy'], // Freude
  ['T', 'sad'], // Trauer
  ['N', 'neutral'],
]);

const SHAPE = /^(\d{2})([a-z]\d{2})(.)(.)$/;

export function parseEmodbPath(path: string): CorpusItem {
  const { stem } = audioNameParts(path, 'EMO-DB');
  const m = SHAPE.exec(stem);
  if (!m) {
    throw new CorpusError(
      'does not fit the EMO-DB scheme: expected 7 characters like 03a01Fa.wav (2-digit speaker, sentence code like a01, emotion letter, version letter)',
      path,
    );
  }
  const [, speaker = '', sentence = '', emotionCode = '', version = ''] = m;
  const gender = lookupCode(SPEAKER_GENDER, speaker, 'EMO-DB speaker', path);
  const text = lookupCode(SENTENCE_TEXT, sentence, 'EMO-DB sentence code', path);
  const emotion = lookupCode(EMOTION, emotionCode, 'EMO-DB emotion letter', path);
  if (!/^[a-z]$/.test(version)) {
    throw new CorpusError(`invalid EMO-DB version '${version}' (expected a lower-case letter a-z)`, path);
  }
  return { path, corpus: 'emodb', speaker, gender, emotion, text };
}

export const emodbScheme: CorpusScheme = {
  name: 'emodb',
  title: 'EMO-DB',
  example: '03a01Fa.wav',
  looksLike: ({ stem }) => /^\d{2}[a-z]\d{2}[a-z]{2}$/i.test(stem),
  parse: parseEmodbPath,
};
