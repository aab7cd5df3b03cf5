import { CorpusError } from '../errors.js';
import type { Emotion } from './emotions.js';
import { audioNameParts, lookupCode, type CorpusScheme } from './file-name.js';
import type { CorpusItem } from './types.js';

/**
 * RAVDESS, e.g. `03-01-05-01-02-01-12.wav`: modality-channel-emotion-intensity-statement-repetition-actor.
 * Speaker ids are 'Actor_12': the release's own folder names, and unlike a bare '12' they cannot collide with EMO-DB's
 * two-digit speakers when corpora are pooled.
 */

const MODALITY = new Map<string, 'full-AV' | 'audio-only'>([
  ['01', 'full-AV'],
  ['03', 'audio-only'],
]);

const CHANNEL = new Map<string, 'speech' | 'song'>([
  ['01', 'speech'],
  ['02', 'song'],
]);

const EMOTION = new Map<string, Emotion>([
  ['01', 'neutral'],
  ['02', 'calm'],
  ['03', 'happy'],
  ['04', 'sad'],
  ['05', 'angry'],
  ['06', 'fearful'],
  ['07', 'disgust'],
  ['08', 'surprised'],
]);

// The song recordings were made in six emotions only (Livingstone & Russo 2018).
const SONG_EMOTIONS: ReadonlySet<Emotion> = new Set(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful']);

const INTENSITY = new Map<string, 'normal' | 'strong'>([
  ['01', 'normal'],
  ['02', 'strong'],
]);

const STATEMENT = new Map<string, string>([
  ['01', 'Kids are talking by the door'],
  ['02', 'Dogs are sitting by the door'],
]);

const REPETITION = new Map<string, number>([
  ['01', 1],
  ['02', 2],
]);

const ACTOR_COUNT = 24;
const SHAPE = /^(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})$/;

export function parseRavdessPath(path: string): CorpusItem {
  const { stem, parentFolder } = audioNameParts(path, 'RAVDESS');
  const m = SHAPE.exec(stem);
  if (!m) {
    throw new CorpusError(
      'does not fit the RAVDESS scheme: expected seven 2-digit fields like 03-01-05-01-02-01-12.wav (modality-channel-emotion-intensity-statement-repetition-actor)',
      path,
    );
  }
  const [, modality = '', channel = '', emotionCode = '', intensityCode = '', statement = '', repetition = '', actor = ''] = m;
  if (modality === '02') {
    throw new CorpusError('RAVDESS modality 02 is video-only and has no audio (expected 01 full-AV or 03 audio-only)', path);
  }
  lookupCode(MODALITY, modality, 'RAVDESS modality', path);
  const vocalChannel = lookupCode(CHANNEL, channel, 'RAVDESS vocal channel', path);
  const emotion = lookupCode(EMOTION, emotionCode, 'RAVDESS emotion', path);
  const intensity = lookupCode(INTENSITY, intensityCode, 'RAVDESS intensity', path);
  if (emotion === 'neutral' && intensity === 'strong') {
    throw new CorpusError('RAVDESS neutral has normal intensity (01) only, got 02 (strong)', path);
  }
  if (vocalChannel === 'song' && !SONG_EMOTIONS.has(emotion)) {
    throw new CorpusError(`RAVDESS song has no ${emotion} recordings (expected emotion 01-06 with vocal channel 02)`, path);
  }
  const text = lookupCode(STATEMENT, statement, 'RAVDESS statement', path);
  lookupCode(REPETITION, repetition, 'RAVDESS repetition', path);
  const actorNumber = Number(actor);
  if (actorNumber < 1 || actorNumber > ACTOR_COUNT) {
    throw new CorpusError(`unknown RAVDESS actor '${actor}' (expected 01 to ${ACTOR_COUNT})`, path);
  }
  const speaker = `Actor_${actor}`;
  // The release files each actor under Actor_NN; a file in another actor's folder means the copy is mixed up.
  const folderActor = /^Actor_(\d+)$/i.exec(parentFolder)?.[1];
  if (folderActor !== undefined && Number(folderActor) !== actorNumber) {
    throw new CorpusError(`RAVDESS file of actor ${actor} lies in the folder of another actor (${parentFolder})`, path);
  }
  return {
    path,
    corpus: 'ravdess',
    speaker,
    gender: actorNumber % 2 === 1 ? 'male' : 'female',
    emotion,
    intensity,
    text,
  };
}

export const ravdessScheme: CorpusScheme = {
  name: 'ravdess',
  title: 'RAVDESS',
  example: '03-01-05-01-02-01-12.wav',
  looksLike: ({ stem }) => SHAPE.test(stem),
  parse: parseRavdessPath,
};
