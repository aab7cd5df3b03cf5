import { CorpusError } from '../errors.js';
import type { Emotion } from './emotions.js';
import { audioNameParts, lookupCode, type CorpusScheme } from './file-name.js';
import type { CorpusItem } from './types.js';

/**
 * TESS (Toronto emotional speech set), e.g. `OAF_back_angry.wav`: speaker, target word, emotion. Both speakers are
 * women; every utterance is the carrier phrase "Say the word <word>". Matched case-insensitively because the release
 * mixes cases; speaker ids are upper-case ('OAF', 'YAF'), words lower-case.
 */

const SPEAKERS: ReadonlySet<string> = new Set(['OAF', 'YAF']);

const EMOTION = new Map<string, Emotion>([
  ['angry', 'angry'],
  ['disgust', 'disgust'],
  ['fear', 'fearful'],
  ['happy', 'happy'],
  ['neutral', 'neutral'],
  ['ps', 'surprised'], // pleasant surprise
  ['sad', 'sad'],
]);

const SHAPE = /^([a-z]+)_([a-z]+)_([a-z]+)$/i;

export function parseTessPath(path: string): CorpusItem {
  const { stem, parentFolder } = audioNameParts(path, 'TESS');
  const m = SHAPE.exec(stem);
  if (!m) {
    throw new CorpusError(
      'does not fit the TESS scheme: expected <speaker>_<word>_<emotion> like OAF_back_angry.wav (letters only)',
      path,
    );
  }
  const [, speakerCode = '', word = '', emotionCode = ''] = m;
  const speaker = resolveSpeaker(speakerCode.toUpperCase(), parentFolder, path);
  const emotion = lookupCode(EMOTION, emotionCode.toLowerCase(), 'TESS emotion', path);
  const lowerWord = word.toLowerCase();
  return { path, corpus: 'tess', speaker, gender: 'female', emotion, text: `Say the word ${lowerWord}` };
}

/**
 * The release has one misnamed file, `OA_bite_neutral.wav`, in the folder `OAF_neutral`. 'OA' is accepted only when the
 * folder says which speaker it is; elsewhere it is as unknown as any other code.
 */
function resolveSpeaker(code: string, parentFolder: string, path: string): string {
  if (SPEAKERS.has(code)) return code;
  const folderSpeaker = /^([a-z]+)_/i.exec(parentFolder)?.[1]?.toUpperCase();
  if (code === 'OA' && folderSpeaker === 'OAF') return 'OAF';
  throw new CorpusError(
    `unknown TESS speaker '${code}' (expected OAF or YAF; 'OA' is accepted only inside an OAF_* folder)`,
    path,
  );
}

export const tessScheme: CorpusScheme = {
  name: 'tess',
  title: 'TESS',
  example: 'OAF_back_angry.wav',
  looksLike: ({ stem }) => /^(OAF|YAF|OA)_[a-z]+_[a-z]+$/i.test(stem),
  parse: parseTessPath,
};
