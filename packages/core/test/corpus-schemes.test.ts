import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CorpusError } from '../src/errors.js';
import {
  EMOTIONS,
  isEmotion,
  parseCorpusPath,
  parseCremadPath,
  parseEmodbPath,
  parseRavdessPath,
  parseSaveePath,
  parseTessPath,
  readCorpus,
  summarizeCorpus,
  type CorpusItem,
} from '../src/corpus/index.js';

/** Asserts that `parse(path)` throws a CorpusError naming the path, with a message matching `reason`. */
function expectCorpusError(parse: (path: string) => unknown, path: string, reason: RegExp): void {
  let thrown: unknown;
  try {
    parse(path);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CorpusError);
  const error = thrown as CorpusError;
  expect(error.file).toBe(path);
  expect(error.message).toMatch(reason);
}

describe('emotions', () => {
  it('has the canonical order', () => {
    expect(EMOTIONS).toEqual(['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised', 'boredom']);
  });
  it('tells emotions from other strings', () => {
    expect(isEmotion('boredom')).toBe(true);
    expect(isEmotion('anger')).toBe(false);
    expect(isEmotion('Angry')).toBe(false);
  });
});

describe('EMO-DB names', () => {
  it('parses speaker, gender, sentence text and emotion', () => {
    expect(parseEmodbPath('03a01Fa.wav')).toEqual<CorpusItem>({
      path: '03a01Fa.wav',
      corpus: 'emodb',
      speaker: '03',
      gender: 'male',
      emotion: 'happy',
      text: 'Der Lappen liegt auf dem Eisschrank.',
    });
    expect(parseEmodbPath('/data/emodb/wav/16b10Lb.wav')).toMatchObject({
      path: '/data/emodb/wav/16b10Lb.wav',
      speaker: '16',
      gender: 'female',
      emotion: 'boredom',
      text: 'Die wird auf dem Platz sein, wo wir sie immer hinlegen.',
    });
  });

  it.each([
    ['W', 'angry'],
    ['L', 'boredom'],
    ['E', 'disgust'],
    ['A', 'fearful'],
    ['F', 'happy'],
    ['T', 'sad'],
    ['N', 'neutral'],
  ])('maps emotion letter %s to %s', (code, emotion) => {
    expect(parseEmodbPath(`08a02${code}c.wav`).emotion).toBe(emotion);
  });

  it('maps every speaker to its gender', () => {
    const genders = ['03', '08', '09', '10', '11', '12', '13', '14', '15', '16'].map((s) => parseEmodbPath(`${s}a01Na.wav`).gender);
    expect(genders).toEqual(['male', 'female', 'female', 'male', 'male', 'male', 'female', 'female', 'male', 'female']);
  });

  it('accepts any audio extension, in any case', () => {
    expect(parseEmodbPath('09b03Ta.WAV').emotion).toBe('sad');
    expect(parseEmodbPath('09b03Ta.flac').speaker).toBe('09');
  });

  it.each([
    ['04a01Fa.wav', /unknown EMO-DB speaker '04'.*03, 08/],
    ['03a03Fa.wav', /unknown EMO-DB sentence code 'a03'/],
    ['03c01Fa.wav', /unknown EMO-DB sentence code 'c01'/],
    ['03a01Xa.wav', /unknown EMO-DB emotion letter 'X'.*W, L, E, A, F, T, N/],
    ['03a01fa.wav', /unknown EMO-DB emotion letter 'f'/],
    ['03a01FA.wav', /version 'A'.*a-z/],
    ['03a01F1.wav', /version '1'/],
    ['03a01F.wav', /does not fit the EMO-DB scheme.*03a01Fa/],
    ['03a01Faa.wav', /does not fit the EMO-DB scheme/],
    ['3a01Fa.wav', /does not fit the EMO-DB scheme/],
    ['03A01Fa.wav', /does not fit the EMO-DB scheme/],
    ['03a01Fa.txt', /not an audio file: EMO-DB expects .*\.wav/],
    ['03a01Fa', /expects one of the extensions/],
  ])('rejects %s', (name, reason) => {
    expectCorpusError(parseEmodbPath, name, reason);
  });
});

describe('RAVDESS names', () => {
  it('parses every field', () => {
    expect(parseRavdessPath('Actor_12/03-01-05-01-02-01-12.wav')).toEqual<CorpusItem>({
      path: 'Actor_12/03-01-05-01-02-01-12.wav',
      corpus: 'ravdess',
      speaker: 'Actor_12',
      gender: 'female',
      emotion: 'angry',
      intensity: 'normal',
      text: 'Dogs are sitting by the door',
    });
    expect(parseRavdessPath('01-01-02-02-01-02-01.wav')).toMatchObject({
      speaker: 'Actor_01',
      gender: 'male',
      emotion: 'calm',
      intensity: 'strong',
      text: 'Kids are talking by the door',
    });
    expect(parseRavdessPath('03-02-06-02-01-01-23.wav')).toMatchObject({ speaker: 'Actor_23', gender: 'male', emotion: 'fearful' });
  });

  it.each([
    ['01', 'neutral'],
    ['02', 'calm'],
    ['03', 'happy'],
    ['04', 'sad'],
    ['05', 'angry'],
    ['06', 'fearful'],
    ['07', 'disgust'],
    ['08', 'surprised'],
  ])('maps emotion %s to %s', (code, emotion) => {
    expect(parseRavdessPath(`03-01-${code}-01-01-01-24.wav`).emotion).toBe(emotion);
  });

  it.each([
    ['02-01-05-01-02-01-12.wav', /video-only/],
    ['04-01-05-01-02-01-12.wav', /unknown RAVDESS modality '04'/],
    ['03-03-05-01-02-01-12.wav', /unknown RAVDESS vocal channel '03'/],
    ['03-01-09-01-02-01-12.wav', /unknown RAVDESS emotion '09'/],
    ['03-01-00-01-02-01-12.wav', /unknown RAVDESS emotion '00'/],
    ['03-01-01-02-02-01-12.wav', /neutral has normal intensity \(01\) only/],
    ['03-01-05-03-02-01-12.wav', /unknown RAVDESS intensity '03'/],
    ['03-02-07-01-02-01-12.wav', /song has no disgust/],
    ['03-02-08-01-02-01-12.wav', /song has no surprised/],
    ['03-01-05-01-03-01-12.wav', /unknown RAVDESS statement '03'/],
    ['03-01-05-01-02-03-12.wav', /unknown RAVDESS repetition '03'/],
    ['03-01-05-01-02-01-00.wav', /unknown RAVDESS actor '00'.*01 to 24/],
    ['03-01-05-01-02-01-25.wav', /unknown RAVDESS actor '25'/],
    ['03-01-05-01-02-01.wav', /does not fit the RAVDESS scheme/],
    ['3-1-5-1-2-1-12.wav', /does not fit the RAVDESS scheme/],
    ['03_01_05_01_02_01_12.wav', /does not fit the RAVDESS scheme/],
    ['Actor_11/03-01-05-01-02-01-12.wav', /folder of another actor \(Actor_11\)/],
  ])('rejects %s', (name, reason) => {
    expectCorpusError(parseRavdessPath, name, reason);
  });
});

describe('TESS names', () => {
  it('parses speaker, emotion and carrier sentence', () => {
    expect(parseTessPath('OAF_back_angry.wav')).toEqual<CorpusItem>({
      path: 'OAF_back_angry.wav',
      corpus: 'tess',
      speaker: 'OAF',
      gender: 'female',
      emotion: 'angry',
      text: 'Say the word back',
    });
    expect(parseTessPath('YAF_dog_fear.wav')).toMatchObject({ speaker: 'YAF', emotion: 'fearful', text: 'Say the word dog' });
    expect(parseTessPath('YAF_food_ps.wav').emotion).toBe('surprised');
    expect(parseTessPath('OAF_bar_disgust.wav').emotion).toBe('disgust');
  });

  it('ignores case, as the release mixes it', () => {
    expect(parseTessPath('YAF_germ_Neutral.wav')).toMatchObject({ speaker: 'YAF', emotion: 'neutral' });
    expect(parseTessPath('oaf_Bath_PS.WAV')).toMatchObject({ speaker: 'OAF', emotion: 'surprised', text: 'Say the word bath' });
  });

  it("resolves the release's misnamed OA_bite_neutral.wav from its OAF_ folder", () => {
    expect(parseTessPath('TESS/OAF_neutral/OA_bite_neutral.wav')).toMatchObject({ speaker: 'OAF', emotion: 'neutral' });
  });

  it.each([
    ['OA_bite_neutral.wav', /unknown TESS speaker 'OA'.*OAF_\* folder/],
    ['YAF_neutral/OA_bite_neutral.wav', /unknown TESS speaker 'OA'/],
    ['XAF_back_angry.wav', /unknown TESS speaker 'XAF'.*OAF or YAF/],
    ['OAF_back_surprised.wav', /unknown TESS emotion 'surprised'.*ps/],
    ['OAF_back_anger.wav', /unknown TESS emotion 'anger'/],
    ['OAF_back.wav', /does not fit the TESS scheme/],
    ['OAF_back_angry_2.wav', /does not fit the TESS scheme/],
    ['OAF_b4ck_angry.wav', /does not fit the TESS scheme/],
    ['OAF back angry.wav', /does not fit the TESS scheme/],
    ['OAF_back_angry.txt', /not an audio file: TESS expects/],
  ])('rejects %s', (name, reason) => {
    expectCorpusError(parseTessPath, name, reason);
  });
});

describe('SAVEE names', () => {
  it('parses the flat layout', () => {
    expect(parseSaveePath('ALL/DC_a01.wav')).toEqual<CorpusItem>({
      path: 'ALL/DC_a01.wav',
      corpus: 'savee',
      speaker: 'DC',
      gender: 'male',
      emotion: 'angry',
    });
    expect(parseSaveePath('JE_sa15.wav')).toMatchObject({ speaker: 'JE', emotion: 'sad' });
    expect(parseSaveePath('KL_su03.wav')).toMatchObject({ speaker: 'KL', emotion: 'surprised' });
    expect(parseSaveePath('JK_n30.wav')).toMatchObject({ speaker: 'JK', emotion: 'neutral' });
  });

  it('takes the speaker from the folder in the original layout', () => {
    expect(parseSaveePath('AudioData/DC/d07.wav')).toMatchObject({ speaker: 'DC', emotion: 'disgust' });
    expect(parseSaveePath('AudioData/KL/f12.wav')).toMatchObject({ speaker: 'KL', emotion: 'fearful' });
    expect(parseSaveePath('AudioData/JE/h02.wav')).toMatchObject({ speaker: 'JE', emotion: 'happy' });
  });

  it.each([
    ['XX_a01.wav', /unknown SAVEE speaker 'XX'.*DC, JE, JK or KL/],
    ['dc_a01.wav', /unknown SAVEE speaker 'dc'/],
    ['DC_x01.wav', /unknown SAVEE emotion prefix 'x'.*sa, su/],
    ['DC_s01.wav', /unknown SAVEE emotion prefix 's'/],
    ['DC_A01.wav', /unknown SAVEE emotion prefix 'A'/],
    ['DC_a1.wav', /sentence number '1'/],
    ['DC_a001.wav', /sentence number '001'/],
    ['DC_a00.wav', /sentence number '00'/],
    ['AudioData/a01.wav', /speaker folder.*'AudioData'/],
    ['a01.wav', /speaker folder/],
    ['DC-a01.wav', /does not fit the SAVEE scheme/],
    ['DC_a01_2.wav', /does not fit the SAVEE scheme/],
  ])('rejects %s', (name, reason) => {
    expectCorpusError(parseSaveePath, name, reason);
  });
});

describe('CREMA-D names', () => {
  it('parses actor, sentence, emotion and level, leaving gender undefined', () => {
    const item = parseCremadPath('1001_DFA_ANG_XX.wav');
    expect(item).toEqual<CorpusItem>({
      path: '1001_DFA_ANG_XX.wav',
      corpus: 'cremad',
      speaker: '1001',
      emotion: 'angry',
      intensity: 'unspecified',
      text: "Don't forget a jacket",
    });
    expect('gender' in item).toBe(false);
    expect(parseCremadPath('1091_WSI_SAD_HI.wav')).toMatchObject({ speaker: '1091', emotion: 'sad', intensity: 'high' });
    expect(parseCremadPath('1050_IEO_HAP_LO.wav')).toMatchObject({ emotion: 'happy', intensity: 'low', text: "It's eleven o'clock" });
    expect(parseCremadPath('1022_ITH_NEU_MD.wav')).toMatchObject({ emotion: 'neutral', intensity: 'medium' });
    expect(parseCremadPath('1022_TSI_DIS_XX.wav').emotion).toBe('disgust');
    expect(parseCremadPath('1022_TSI_FEA_XX.wav').emotion).toBe('fearful');
  });

  it.each([
    ['1000_DFA_ANG_XX.wav', /unknown CREMA-D actor '1000'.*1001 to 1091/],
    ['1092_DFA_ANG_XX.wav', /unknown CREMA-D actor '1092'/],
    ['1001_ABC_ANG_XX.wav', /unknown CREMA-D sentence code 'ABC'.*IEO/],
    ['1001_dfa_ang_xx.wav', /unknown CREMA-D sentence code 'dfa'/],
    ['1001_DFA_SUR_XX.wav', /unknown CREMA-D emotion 'SUR'/],
    ['1001_DFA_ANG_YY.wav', /unknown CREMA-D level 'YY'.*LO, MD, HI, XX/],
    ['1001_DFA_ANG.wav', /does not fit the CREMA-D scheme/],
    ['1001-DFA-ANG-XX.wav', /does not fit the CREMA-D scheme/],
    ['101_DFA_ANG_XX.wav', /does not fit the CREMA-D scheme/],
    ['1001_DFA_ANG_XXX.wav', /does not fit the CREMA-D scheme/],
  ])('rejects %s', (name, reason) => {
    expectCorpusError(parseCremadPath, name, reason);
  });
});

describe('parseCorpusPath', () => {
  it('dispatches on the corpus name', () => {
    expect(parseCorpusPath('savee', 'DC_h01.wav').emotion).toBe('happy');
    expectCorpusError((p) => parseCorpusPath('ravdess', p), '03a01Fa.wav', /RAVDESS scheme/);
  });
});

describe('readCorpus', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ser-corpus-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let counter = 0;

  /** Creates a fresh folder holding empty files at the given relative paths (readCorpus reads names only). */
  function folderWith(files: readonly string[]): string {
    const dir = join(scratch, `c${counter++}`);
    mkdirSync(dir, { recursive: true });
    for (const file of files) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), '');
    }
    return dir;
  }

  async function readError(dir: string, options?: Parameters<typeof readCorpus>[1]): Promise<CorpusError> {
    const error: unknown = await readCorpus(dir, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CorpusError);
    return error as CorpusError;
  }

  it('detects EMO-DB, walks sub-folders in sorted order and takes audio files only', async () => {
    const dir = folderWith(['wav/16b10Lb.wav', 'wav/03a01Fa.WAV', 'wav/._03a01Fa.wav', 'wav/.DS_Store', 'README.txt', 'more/08a02Wc.flac', 'wav/notes.csv']);
    symlinkSync(join(dir, 'more'), join(dir, 'linked-folder'));
    const corpus = await readCorpus(dir);
    expect(corpus.name).toBe('emodb');
    expect(corpus.root).toBe(dir);
    expect(corpus.items.map((i) => i.path)).toEqual([join(dir, 'more/08a02Wc.flac'), join(dir, 'wav/03a01Fa.WAV'), join(dir, 'wav/16b10Lb.wav')]);
    expect(corpus.items.map((i) => i.emotion)).toEqual(['angry', 'happy', 'boredom']);
  });

  it('counts symbolic links to files but skips dangling ones', async () => {
    const dir = folderWith(['real/03a01Fa.wav']);
    symlinkSync(join(dir, 'real/03a01Fa.wav'), join(dir, '03a01Nc.wav'));
    symlinkSync(join(dir, 'missing.wav'), join(dir, '03a01Wa.wav'));
    const corpus = await readCorpus(dir);
    expect(corpus.items.map((i) => i.emotion)).toEqual(['neutral', 'happy']);
  });

  it.each([
    ['ravdess', ['Actor_01/03-01-01-01-01-01-01.wav', 'Actor_02/03-01-05-02-01-01-02.wav']],
    ['tess', ['OAF_angry/OAF_back_angry.wav', 'OAF_neutral/OA_bite_neutral.wav', 'YAF_fear/YAF_dog_fear.wav']],
    ['savee', ['AudioData/DC/a01.wav', 'AudioData/JE/sa02.wav']],
    ['savee', ['ALL/DC_a01.wav', 'ALL/KL_su15.wav']],
    ['cremad', ['AudioWAV/1001_DFA_ANG_XX.wav', 'AudioWAV/1091_IEO_HAP_HI.wav']],
  ])('detects %s', async (name, files) => {
    const corpus = await readCorpus(folderWith(files));
    expect(corpus.name).toBe(name);
    expect(corpus.items).toHaveLength(files.length);
  });

  it('uses the corpus option instead of detecting', async () => {
    const dir = folderWith(['03a01Fa.wav']);
    expect((await readCorpus(dir, { corpus: 'emodb' })).items).toHaveLength(1);
    const error = await readError(dir, { corpus: 'cremad' });
    expect(error.file).toBe(join(dir, '03a01Fa.wav'));
    expect(error.message).toMatch(/CREMA-D scheme/);
  });

  it('fails the whole read on one file that does not parse, naming it', async () => {
    const dir = folderWith(['03a01Fa.wav', '03a01Xa.wav', '08a02Wc.wav']);
    const error = await readError(dir);
    expect(error.file).toBe(join(dir, '03a01Xa.wav'));
    expect(error.message).toMatch(/03a01Xa\.wav: unknown EMO-DB emotion letter 'X'/);
  });

  it('says how many more files are broken', async () => {
    const dir = folderWith(['03a01Fa.wav', '03a01Xa.wav', '04a01Fa.wav', 'stray.wav']);
    const error = await readError(dir);
    expect(error.file).toBe(join(dir, '03a01Xa.wav'));
    expect(error.message).toMatch(/unknown EMO-DB emotion letter 'X'.*and 2 more files that do not fit the EMO-DB scheme, e\.g\. .*04a01Fa\.wav, .*stray\.wav/);
  });

  it('rejects folders whose names fit no corpus, saying which option to pass', async () => {
    const error = await readError(folderWith(['hello.wav', 'world.mp3']));
    expect(error.message).toMatch(/cannot tell the corpus.*none of the 2 audio files.*pass \{ corpus: 'emodb' \| 'ravdess'/);
  });

  it('rejects folders that mix corpora', async () => {
    const error = await readError(folderWith(['emodb/03a01Fa.wav', 'ravdess/03-01-01-01-01-01-01.wav']));
    expect(error.message).toMatch(/fit several corpora \(1 EMO-DB, 1 RAVDESS of 2 files\).*pass \{ corpus:/);
  });

  it('rejects missing, empty and non-folder paths', async () => {
    expect((await readError(join(scratch, 'nope'))).message).toMatch(/nope: corpus folder not found/);
    expect((await readError(folderWith([]))).message).toMatch(/no audio files \(\.wav, \.flac/);
    expect((await readError(folderWith(['README.md', '._03a01Fa.wav']))).message).toMatch(/no audio files/);
    const dir = folderWith(['03a01Fa.wav']);
    expect((await readError(join(dir, '03a01Fa.wav'))).message).toMatch(/not a folder/);
  });
});

describe('summarizeCorpus', () => {
  it('counts per emotion, speaker and speaker x emotion, in canonical and natural order', () => {
    const items = [
      { speaker: 'Actor_10', emotion: 'sad' as const },
      { speaker: 'Actor_2', emotion: 'angry' as const },
      { speaker: 'Actor_2', emotion: 'neutral' as const },
      { speaker: 'Actor_10', emotion: 'neutral' as const },
      { speaker: 'Actor_2', emotion: 'angry' as const },
    ];
    const summary = summarizeCorpus(items);
    expect(summary.total).toBe(5);
    expect(summary.perEmotion).toEqual({ neutral: 2, sad: 1, angry: 2 });
    expect(summary.emotions).toEqual(['neutral', 'sad', 'angry']);
    expect(summary.speakers).toEqual(['Actor_2', 'Actor_10']);
    expect(summary.perSpeaker).toEqual({ Actor_2: 3, Actor_10: 2 });
    expect(summary.perSpeakerEmotion).toEqual({ Actor_2: { neutral: 1, angry: 2 }, Actor_10: { neutral: 1, sad: 1 } });
    expect(summarizeCorpus([{ speaker: '10', emotion: 'sad' }, { speaker: '03', emotion: 'sad' }]).speakers).toEqual(['03', '10']);
  });
});
